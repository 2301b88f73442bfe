#include "analysis/sweep/store.h"

#include <sqlite3.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <filesystem>
#include <optional>
#include <stdexcept>

#include "core/errors.h"
#include "model/series.h"

namespace geosim::sweep {

bool grows_by_waves(const std::string& method) {
  return method == "history_matching" || method == "solve";
}

Plan stored_plan(const StoreInfo& info) {
  Plan plan;
  plan.unit = info.unit;
  plan.values = info.values;
  plan.numbers = info.numbers;
  plan.replicates = info.replicates;
  return plan;
}

namespace {

constexpr const char* kFormat = "geosim-sweep-store 1";
/// PRAGMA application_id of every store ("GEOS"): how geosim knows its own files from other SQLite
/// databases before it writes anything. Stores written before it was set are known by their meta table.
constexpr std::int64_t kApplicationId = 0x47454F53;

/// A failed SQLite call as an exception that names the store and what was being done.
[[noreturn]] void fail(sqlite3* db, const std::string& what) {
  throw std::runtime_error("sweep store: " + what + ": " + (db ? sqlite3_errmsg(db) : "out of memory"));
}

void exec(sqlite3* db, const std::string& sql) {
  char* err = nullptr;
  if (sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
    std::string msg = err ? err : "unknown error";
    sqlite3_free(err);
    throw std::runtime_error("sweep store: " + msg + " (in: " + sql.substr(0, 120) + ")");
  }
}

/// A prepared statement, finalized on scope exit.
class Stmt {
 public:
  Stmt(sqlite3* db, const std::string& sql) : db_(db) {
    if (sqlite3_prepare_v2(db, sql.c_str(), -1, &s_, nullptr) != SQLITE_OK) fail(db, "preparing " + sql.substr(0, 80));
  }
  ~Stmt() { sqlite3_finalize(s_); }
  Stmt(const Stmt&) = delete;
  Stmt& operator=(const Stmt&) = delete;
  Stmt& bind(int i, std::int64_t v) { return check(sqlite3_bind_int64(s_, i, v)); }
  Stmt& bind(int i, double v) { return check(std::isnan(v) ? sqlite3_bind_null(s_, i) : sqlite3_bind_double(s_, i, v)); }
  Stmt& bind(int i, const std::string& v) { return check(sqlite3_bind_text(s_, i, v.c_str(), static_cast<int>(v.size()), SQLITE_TRANSIENT)); }
  /// Steps once: true while rows come.
  bool step() {
    const int rc = sqlite3_step(s_);
    if (rc == SQLITE_ROW) return true;
    if (rc != SQLITE_DONE) fail(db_, "stepping");
    return false;
  }
  void run() {
    step();
    sqlite3_reset(s_);
    sqlite3_clear_bindings(s_);
  }
  std::int64_t integer(int c) const { return sqlite3_column_int64(s_, c); }
  double real(int c) const { return sqlite3_column_type(s_, c) == SQLITE_NULL ? std::nan("") : sqlite3_column_double(s_, c); }
  std::string text(int c) const {
    const auto* t = sqlite3_column_text(s_, c);
    return t ? std::string(reinterpret_cast<const char*>(t)) : std::string();
  }

 private:
  Stmt& check(int rc) {
    if (rc != SQLITE_OK) fail(db_, "binding");
    return *this;
  }
  sqlite3* db_;
  sqlite3_stmt* s_ = nullptr;
};

/// A quoted SQL identifier: column names are key paths and record names, with dots in them. Every
/// connection turns off SQLite's reading of an unknown "name" as a string (SQLITE_DBCONFIG_DQS_DML),
/// so that a column missing from a damaged store is an error, not a column of that text.
std::string quoted_sql(const std::string& text, char quote) {
  std::string q(1, quote);
  for (char c : text) q += c == quote ? std::string(2, quote) : std::string(1, c);
  return q + quote;
}
std::string ident(const std::string& name) {
  return quoted_sql(name, '"');
}


std::string meta(sqlite3* db, const std::string& key) {
  Stmt s(db, "SELECT value FROM meta WHERE key = ?");
  s.bind(1, key);
  return s.step() ? s.text(0) : std::string();
}

enum class Access { read_only, read_write, create };

sqlite3* open_db(const std::string& path, Access access) {
  sqlite3* db = nullptr;
  const int flags = (access == Access::read_only ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE) |
                    (access == Access::create ? SQLITE_OPEN_CREATE : 0) | SQLITE_OPEN_FULLMUTEX;
  if (sqlite3_open_v2(path.c_str(), &db, flags, nullptr) != SQLITE_OK) {
    std::string msg = db ? sqlite3_errmsg(db) : "out of memory";
    sqlite3_close(db);
    throw BadInput("cannot open the sweep store " + path + ": " + msg);
  }
  sqlite3_busy_timeout(db, 10000);
  sqlite3_db_config(db, SQLITE_DBCONFIG_DQS_DML, 0, nullptr);
  sqlite3_db_config(db, SQLITE_DBCONFIG_DQS_DDL, 0, nullptr);
  return db;
}

/// Closes a connection on scope exit.
struct Closer {
  sqlite3* db;
  ~Closer() { sqlite3_close(db); }
};

/// Refuses a store path SQLite would not keep: "" is a private temporary file and ":memory:" lives in
/// memory, so a sweep would run and lose everything; and anything that is not a regular file.
void check_store_path(const std::string& path, const std::string& option) {
  if (path.empty() || path == ":memory:")
    throw BadInput(option + " '" + path + "': SQLite would keep this store in " + (path.empty() ? "a temporary file" : "memory") +
                   " and lose it when geosim exits; give the store a file name");
  std::error_code ec;
  const auto st = std::filesystem::status(path, ec);
  if (std::filesystem::exists(st) && !std::filesystem::is_regular_file(st))
    throw BadInput(option + " " + path + " is not a regular file (a folder or a device?); give the store a file name");
}

/// What a file given as a store holds, found without writing to it.
struct Found {
  enum Kind { absent, empty, geosim, foreign } kind = absent;
  std::string why;  // for foreign: what it holds instead
};

std::vector<std::string> table_names(sqlite3* db) {
  std::vector<std::string> names;
  for (Stmt s(db, "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"); s.step();) names.push_back(s.text(0));
  return names;
}

Found inspect(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) return {Found::absent, ""};
  if (std::filesystem::file_size(path, ec) == 0 && !ec) return {Found::empty, ""};
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
    sqlite3_close(db);
    return {Found::foreign, "SQLite cannot open it"};
  }
  Closer closer{db};
  sqlite3_db_config(db, SQLITE_DBCONFIG_DQS_DML, 0, nullptr);
  try {
    std::int64_t app = 0;
    {
      Stmt s(db, "PRAGMA application_id");
      if (s.step()) app = s.integer(0);
    }
    const auto tables = table_names(db);
    if (app == kApplicationId) return {Found::geosim, ""};
    const bool has_meta = std::find(tables.begin(), tables.end(), "meta") != tables.end();
    if (app == 0 && has_meta && meta(db, "format") == kFormat) return {Found::geosim, ""};
    if (app == 0 && tables.empty()) return {Found::empty, ""};
    std::string why = app != 0 ? "its application_id is " + std::to_string(app) : "its tables are";
    if (app == 0)
      for (std::size_t i = 0; i < tables.size() && i < 6; ++i) why += (i ? ", " : " ") + tables[i];
    return {Found::foreign, why};
  } catch (const std::exception&) {
    return {Found::foreign, "it is not an SQLite database"};
  }
}

/// Refuses a file that is not a geosim store, before anything is written to it.
void require_geosim_store(const std::string& path, const Found& found) {
  if (found.kind == Found::absent) throw BadInput("no sweep store at " + path);
  if (found.kind != Found::geosim)
    throw BadInput(path + " is not a geosim sweep store (" + (found.kind == Found::empty ? std::string("it is empty") : found.why) +
                   "); nothing was written to it");
}

/// A whole number stored as text in the meta table, checked.
std::uint64_t meta_whole(sqlite3* db, const std::string& path, const char* key) {
  const std::string text = meta(db, key);
  std::uint64_t v = 0;
  const auto r = std::from_chars(text.data(), text.data() + text.size(), v);
  if (text.empty() || r.ec != std::errc{} || r.ptr != text.data() + text.size())
    throw BadInput(path + " is a damaged sweep store: its meta value '" + key + "' is '" + text + "', not a whole number");
  return v;
}


/// Writes the points of `plan` from `first` on into the points table (inside the caller's transaction).
void insert_points(sqlite3* db, const Plan& plan, std::size_t first, std::size_t params) {
  Stmt s(db, "INSERT INTO points VALUES(?, ?, ?, ?, ?)");
  for (std::size_t r = first; r < plan.points(); ++r)
    for (std::size_t i = 0; i < params; ++i)
      s.bind(1, static_cast<std::int64_t>(r)).bind(2, static_cast<std::int64_t>(i)).bind(3, plan.unit.at(r, i)).bind(4, plan.values[r][i]).bind(5, plan.numbers[r][i]).run();
}

}  // namespace

Store::Store(sqlite3* db, std::string path) : db_(db), path_(std::move(path)) {}
Store::Store(Store&& o) noexcept : db_(o.db_), path_(std::move(o.path_)), info_(std::move(o.info_)) { o.db_ = nullptr; }
Store& Store::operator=(Store&& o) noexcept {
  std::swap(db_, o.db_);
  std::swap(path_, o.path_);
  std::swap(info_, o.info_);
  return *this;
}
Store::~Store() {
  if (db_) sqlite3_close(db_);
}

Store Store::for_sweep(const std::string& path, const SweepDef& sweep, const Plan& plan, const std::string& shard) {
  check_store_path(path, "--store");
  const Found found = inspect(path);
  if (found.kind == Found::foreign)
    throw BadInput(path + " is not a geosim sweep store (" + found.why + "); give a new file to --store. Nothing was written to it");
  Store store(open_db(path, Access::create), path);
  sqlite3* db = store.db_;
  if (found.kind == Found::geosim) {
    if (meta(db, "format") != kFormat) throw BadInput(path + " is not a geosim sweep store (format '" + meta(db, "format") + "')");
    if (meta(db, "identity") != sweep.identity)
      throw BadInput(path + " holds results of another sweep, or of this sweep file or its base scenario before they changed (identity " +
                     meta(db, "identity") + ", now " + sweep.identity + "); give a new --store, or restore the files");
    if (meta(db, "shard") != shard)
      throw BadInput(path + " holds shard '" + meta(db, "shard") + "' of this sweep, not '" + shard + "'" +
                     " (give each shard its own store and join them with geosim merge)");
    exec(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;");
    store.load_info();
    return store;
  }
  // WAL: readers never block the writer, and a killed process leaves a consistent file. With
  // synchronous=NORMAL a committed batch survives the process being killed (not a power cut).
  exec(db, "PRAGMA application_id = " + std::to_string(kApplicationId) + "; PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;");
  exec(db, "BEGIN");
  exec(db, "CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL)");
  exec(db, "CREATE TABLE parameters(idx INTEGER PRIMARY KEY, path TEXT NOT NULL)");
  exec(db, "CREATE TABLE records(idx INTEGER PRIMARY KEY, name TEXT NOT NULL, metric TEXT, scope TEXT, first_month TEXT, last_month TEXT)");
  exec(db, "CREATE TABLE series_requests(idx INTEGER PRIMARY KEY, metric TEXT NOT NULL, scope TEXT NOT NULL)");
  exec(db, "CREATE TABLE points(point INTEGER, param INTEGER, unit REAL, value TEXT, number REAL, PRIMARY KEY(point, param)) WITHOUT ROWID");
  std::string runs = "CREATE TABLE runs(run INTEGER PRIMARY KEY, point INTEGER NOT NULL, replicate INTEGER NOT NULL, seed INTEGER NOT NULL, "
                     "status TEXT NOT NULL, error TEXT";
  for (const auto& p : sweep.parameters) runs += ", " + ident(p.path) + (p.numeric ? " REAL" : " TEXT");
  for (const auto& r : sweep.records) runs += ", " + ident(r.name) + " REAL";
  exec(db, runs + ")");
  exec(db, "CREATE TABLE series(run INTEGER, request INTEGER, month INTEGER, value REAL, PRIMARY KEY(run, request, month)) WITHOUT ROWID");
  if (grows_by_waves(sweep.method)) exec(db, "CREATE TABLE waves(wave INTEGER PRIMARY KEY, first_point INTEGER NOT NULL, points INTEGER NOT NULL)");
  {
    Stmt m(db, "INSERT INTO meta VALUES(?, ?)");
    auto put = [&](const std::string& k, const std::string& v) { m.bind(1, k).bind(2, v).run(); };
    put("format", kFormat);
    put("identity", sweep.identity);
    put("shard", shard);
    put("name", sweep.name);
    put("sweep_file", sweep.file);
    put("base", sweep.base);
    put("method", sweep.method);
    put("sequence", analysis::sequence_name(sweep.sequence));
    put("samples", std::to_string(sweep.samples));
    put("trajectories", std::to_string(sweep.trajectories));
    put("morris_levels", std::to_string(sweep.morris_levels));
    put("design_seed", std::to_string(sweep.design_seed));
    put("replicates", std::to_string(sweep.replicates));
    put("planned_runs", std::to_string(plan.runs()));
    put("start", sweep.start.str());
    put("months", std::to_string(sweep.run_months));
  }
  {
    Stmt s(db, "INSERT INTO parameters VALUES(?, ?)");
    for (std::size_t i = 0; i < sweep.parameters.size(); ++i) s.bind(1, static_cast<std::int64_t>(i)).bind(2, sweep.parameters[i].path).run();
  }
  {
    Stmt s(db, "INSERT INTO records VALUES(?, ?, ?, ?, ?, ?)");
    for (std::size_t i = 0; i < sweep.records.size(); ++i) {
      const auto& r = sweep.records[i];
      s.bind(1, static_cast<std::int64_t>(i)).bind(2, r.name).bind(3, r.metric).bind(4, r.scope).bind(5, r.from.str()).bind(6, r.to.str()).run();
    }
  }
  {
    Stmt s(db, "INSERT INTO series_requests VALUES(?, ?, ?)");
    for (std::size_t i = 0; i < sweep.series.size(); ++i) s.bind(1, static_cast<std::int64_t>(i)).bind(2, sweep.series[i].metric).bind(3, sweep.series[i].scope).run();
  }
  insert_points(db, plan, 0, sweep.parameters.size());
  exec(db, "COMMIT");
  store.load_info();
  return store;
}

Store Store::open(const std::string& path) {
  check_store_path(path, "store");
  require_geosim_store(path, inspect(path));
  Store store(open_db(path, Access::read_write), path);
  if (meta(store.db_, "format") != kFormat) throw BadInput(path + " is not a geosim sweep store (format '" + meta(store.db_, "format") + "')");
  store.load_info();
  return store;
}

void Store::load_info() {
  StoreInfo& i = info_;
  auto damaged = [&](const std::string& why) { return BadInput(path_ + " is a damaged sweep store: " + why); };
  auto whole = [&](const char* k) { return static_cast<std::size_t>(meta_whole(db_, path_, k)); };
  i.name = meta(db_, "name"), i.method = meta(db_, "method"), i.sequence = meta(db_, "sequence");
  i.identity = meta(db_, "identity"), i.shard = meta(db_, "shard");
  i.sweep_file = meta(db_, "sweep_file");
  i.replicates = whole("replicates"), i.samples = whole("samples"), i.trajectories = whole("trajectories");
  i.morris_levels = whole("morris_levels"), i.design_seed = whole("design_seed");
  i.planned_runs = static_cast<std::int64_t>(whole("planned_runs"));
  const auto start = parse_month(meta(db_, "start"));
  if (!start) throw damaged("its start month is '" + meta(db_, "start") + "'");
  i.start = *start;
  i.months = static_cast<int>(whole("months"));
  if (i.replicates == 0 || i.months == 0 || i.planned_runs % static_cast<std::int64_t>(i.replicates) != 0)
    throw damaged("its replicates, months and planned runs do not agree");
  // Each table lists its entries 0, 1, 2, ... in order: anything else is not a store geosim wrote.
  auto numbered = [&](const std::string& sql, const char* table, auto add) {
    std::int64_t expect = 0;
    for (Stmt s(db_, sql); s.step(); ++expect) {
      if (s.integer(0) != expect) throw damaged(std::string("its ") + table + " table skips entry " + std::to_string(expect));
      add(s);
    }
  };
  i.parameters.clear(), i.records.clear(), i.record_metrics.clear(), i.record_scopes.clear(), i.series.clear();
  numbered("SELECT idx, path FROM parameters ORDER BY idx", "parameters", [&](Stmt& s) { i.parameters.push_back(s.text(1)); });
  numbered("SELECT idx, name, metric, scope FROM records ORDER BY idx", "records", [&](Stmt& s) {
    i.records.push_back(s.text(1)), i.record_metrics.push_back(s.text(2)), i.record_scopes.push_back(s.text(3));
  });
  numbered("SELECT idx, metric, scope FROM series_requests ORDER BY idx", "series_requests",
           [&](Stmt& s) { i.series.push_back(s.text(1) + "@" + s.text(2)); });
  const std::size_t k = i.parameters.size();
  const auto points = static_cast<std::size_t>(i.planned_runs) / i.replicates;
  i.unit = analysis::Design{};
  i.unit.dims = k;
  i.unit.rows = points;
  i.numbers.assign(points, std::vector<double>(k, std::nan("")));
  i.values.assign(points, std::vector<std::string>(k));
  if (k > 0) {
    i.unit.values.assign(points * k, std::nan(""));
    std::size_t rows = 0;
    for (Stmt s(db_, "SELECT point, param, unit, number, value FROM points ORDER BY point, param"); s.step(); ++rows) {
      const std::int64_t point = s.integer(0), param = s.integer(1);
      if (point < 0 || static_cast<std::size_t>(point) >= points || param < 0 || static_cast<std::size_t>(param) >= k)
        throw damaged("its points table has a row for point " + std::to_string(point) + ", parameter " + std::to_string(param) + ", outside the sweep's " +
                      std::to_string(points) + " points of " + std::to_string(k) + " parameters");
      i.unit.values[static_cast<std::size_t>(point) * k + static_cast<std::size_t>(param)] = s.real(2);
      i.numbers[static_cast<std::size_t>(point)][static_cast<std::size_t>(param)] = s.real(3);
      i.values[static_cast<std::size_t>(point)][static_cast<std::size_t>(param)] = s.text(4);
    }
    if (rows != points * k)
      throw damaged("its points table has " + std::to_string(rows) + " rows, not the " + std::to_string(points * k) + " of " + std::to_string(points) +
                    " points of " + std::to_string(k) + " parameters");
    for (double u : i.unit.values)
      if (!(u >= 0 && u <= 1)) throw damaged("its points table holds a design coordinate outside [0, 1]");
  }
  i.levels.assign(k, {});
  for (std::size_t p = 0; p < k; ++p) {
    if (std::all_of(i.numbers.begin(), i.numbers.end(), [&](const auto& point) { return std::isfinite(point[p]); })) continue;
    for (const auto& point : i.values)
      if (std::find(i.levels[p].begin(), i.levels[p].end(), point[p]) == i.levels[p].end()) i.levels[p].push_back(point[p]);
  }
  i.waves.clear();
  if (grows_by_waves(i.method)) {
    std::size_t next = 0;
    numbered("SELECT wave - 1, first_point, points FROM waves ORDER BY wave", "waves", [&](Stmt& s) {
      if (s.integer(1) != static_cast<std::int64_t>(next) || s.integer(2) < 0) throw damaged("its waves table does not list its points in order");
      i.waves.emplace_back(next, static_cast<std::size_t>(s.integer(2)));
      next += static_cast<std::size_t>(s.integer(2));
    });
    if (next != points) throw damaged("its waves hold " + std::to_string(next) + " points, its design " + std::to_string(points));
  }
  // The runs table must have every column a run row is read with.
  std::vector<std::string> columns;
  for (Stmt s(db_, "SELECT name FROM pragma_table_info('runs')"); s.step();) columns.push_back(s.text(0));
  std::vector<std::string> expected = {"run", "point", "replicate", "seed", "status", "error"};
  expected.insert(expected.end(), i.parameters.begin(), i.parameters.end());
  expected.insert(expected.end(), i.records.begin(), i.records.end());
  for (const auto& c : expected)
    if (std::find(columns.begin(), columns.end(), c) == columns.end()) throw damaged("its runs table has no column '" + c + "'");
}

void Store::append_wave(const Plan& all, std::size_t first, const SweepDef& sweep) {
  if (!grows_by_waves(info_.method)) throw std::logic_error("append_wave on a store of a " + info_.method + " sweep");
  if (first != static_cast<std::size_t>(info_.planned_runs) / info_.replicates || first > all.points())
    throw std::logic_error("append_wave: the new wave does not start after the stored points");
  exec(db_, "BEGIN IMMEDIATE");
  try {
    insert_points(db_, all, first, sweep.parameters.size());
    Stmt w(db_, "INSERT INTO waves VALUES(?, ?, ?)");
    w.bind(1, static_cast<std::int64_t>(info_.waves.size() + 1)).bind(2, static_cast<std::int64_t>(first)).bind(3, static_cast<std::int64_t>(all.points() - first)).run();
    Stmt m(db_, "UPDATE meta SET value = ? WHERE key = 'planned_runs'");
    m.bind(1, std::to_string(all.runs())).run();
  } catch (...) {
    if (!sqlite3_get_autocommit(db_)) sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
    throw;
  }
  exec(db_, "COMMIT");
  load_info();
}

std::vector<bool> Store::finished_runs() const {
  std::vector<bool> done(static_cast<std::size_t>(info_.planned_runs), false);
  for (Stmt s(db_, "SELECT run FROM runs"); s.step();) {
    const std::int64_t run = s.integer(0);
    if (run < 0 || run >= info_.planned_runs)
      throw BadInput(path_ + " is a damaged sweep store: it holds run " + std::to_string(run) + " of a sweep of " + std::to_string(info_.planned_runs) + " runs");
    done[static_cast<std::size_t>(run)] = true;
  }
  return done;
}

void Store::write(const std::vector<RunResult>& batch, const Plan& plan, const SweepDef& sweep) {
  if (batch.empty()) return;
  std::string sql = "INSERT OR REPLACE INTO runs VALUES(?, ?, ?, ?, ?, ?";
  for (std::size_t i = 0; i < sweep.parameters.size() + sweep.records.size(); ++i) sql += ", ?";
  exec(db_, "BEGIN IMMEDIATE");
  try {
    Stmt ins(db_, sql + ")");
    Stmt ser(db_, "INSERT OR REPLACE INTO series VALUES(?, ?, ?, ?)");
    for (const RunResult& r : batch) {
      const RunKey key = run_key(sweep, plan, r.run);
      ins.bind(1, r.run).bind(2, static_cast<std::int64_t>(key.point)).bind(3, static_cast<std::int64_t>(key.replicate));
      ins.bind(4, static_cast<std::int64_t>(key.seed)).bind(5, std::string(r.ok ? "ok" : "failed")).bind(6, r.error);
      int c = 7;
      for (std::size_t i = 0; i < sweep.parameters.size(); ++i, ++c) {
        if (sweep.parameters[i].numeric) ins.bind(c, plan.numbers[key.point][i]);
        else ins.bind(c, plan.values[key.point][i]);
      }
      for (std::size_t i = 0; i < sweep.records.size(); ++i, ++c) ins.bind(c, r.ok ? r.records[i] : std::nan(""));
      ins.run();
      if (!r.ok || sweep.series.empty()) continue;
      const std::size_t months = r.series.size() / sweep.series.size();
      for (std::size_t q = 0; q < sweep.series.size(); ++q)
        for (std::size_t m = 0; m < months; ++m)
          ser.bind(1, r.run).bind(2, static_cast<std::int64_t>(q)).bind(3, static_cast<std::int64_t>(m)).bind(4, r.series[q * months + m]).run();
    }
  } catch (...) {
    // SQLite may have rolled back already (a full disk, an I/O error): keep the original error.
    if (!sqlite3_get_autocommit(db_)) sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
    throw;
  }
  exec(db_, "COMMIT");
}

std::vector<StoredRun> Store::runs(std::int64_t first, std::int64_t last) const {
  std::vector<StoredRun> out;
  std::string sql = "SELECT run, point, replicate, seed, status, error";
  for (const auto& r : info_.records) sql += ", " + ident(r);
  const auto replicates = static_cast<std::int64_t>(info_.replicates);
  Stmt s(db_, sql + " FROM runs WHERE run >= ? AND run < ? ORDER BY run");
  s.bind(1, first).bind(2, last);
  while (s.step()) {
    StoredRun r;
    r.run = s.integer(0);
    // Runs are numbered point * replicates + replicate: a row that says otherwise was not written by geosim.
    if (r.run < 0 || r.run >= info_.planned_runs || s.integer(1) != r.run / replicates || s.integer(2) != r.run % replicates ||
        (s.text(4) != "ok" && s.text(4) != "failed"))
      throw BadInput(path_ + " is a damaged sweep store: its run " + std::to_string(r.run) + " has point " + std::to_string(s.integer(1)) + ", replicate " +
                     std::to_string(s.integer(2)) + " and status '" + s.text(4) + "', which no run of this sweep has");
    r.point = static_cast<std::size_t>(s.integer(1)), r.replicate = static_cast<std::size_t>(s.integer(2));
    r.seed = static_cast<std::uint64_t>(s.integer(3)), r.ok = s.text(4) == "ok", r.error = s.text(5);
    for (std::size_t i = 0; i < info_.records.size(); ++i) r.records.push_back(s.real(6 + static_cast<int>(i)));
    out.push_back(std::move(r));
  }
  return out;
}

std::vector<std::pair<std::int64_t, std::vector<double>>> Store::series(std::size_t request) const {
  std::vector<std::pair<std::int64_t, std::vector<double>>> out;
  Stmt s(db_, "SELECT run, month, value FROM series WHERE request = ? ORDER BY run, month");
  s.bind(1, static_cast<std::int64_t>(request));
  while (s.step()) {
    if (out.empty() || out.back().first != s.integer(0)) out.push_back({s.integer(0), {}});
    out.back().second.push_back(s.real(2));
  }
  return out;
}

std::string Store::dump() const {
  std::string out = "identity " + info_.identity + "\nparameters";
  for (const auto& p : info_.parameters) out += " " + p;
  out += "\nrecords";
  for (const auto& r : info_.records) out += " " + r;
  out += "\n";
  for (const auto& r : runs()) {
    out += std::to_string(r.run) + " " + std::to_string(r.point) + " " + std::to_string(r.replicate) + " " + std::to_string(r.seed) + " " +
           (r.ok ? "ok" : "failed:" + r.error);
    for (double v : r.records) out.append(" ").append(format_or_na(v));
    out += "\n";
  }
  for (std::size_t q = 0; q < info_.series.size(); ++q)
    for (const auto& [run, values] : series(q)) {
      out += "series " + info_.series[q] + " " + std::to_string(run);
      for (double v : values) out.append(" ").append(format_or_na(v));
      out += "\n";
    }
  return out;
}

namespace {

/// Removes a file SQLite wrote and the journals beside it (a merge's temporary store).
void remove_store_files(const std::string& path) {
  std::error_code ignored;
  for (const char* suffix : {"", "-journal", "-wal", "-shm"}) std::filesystem::remove(path + suffix, ignored);
}

}  // namespace

std::int64_t Store::merge(const std::string& out, const std::vector<std::string>& inputs) {
  if (inputs.empty()) throw std::invalid_argument("geosim merge needs at least one store to join");
  check_store_path(out, "--out");
  std::vector<Store> shards;
  for (const auto& in : inputs) shards.push_back(Store::open(in));
  for (std::size_t i = 1; i < shards.size(); ++i)
    if (shards[i].info().identity != shards[0].info().identity)
      throw BadInput(inputs[i] + " holds results of another sweep than " + inputs[0] + " (identity " + shards[i].info().identity + " vs " +
                     shards[0].info().identity + ")");
  // An existing --out joins the merge like the inputs; it must hold the same sweep.
  std::optional<Store> existing;
  const Found found = inspect(out);
  if (found.kind != Found::absent) {
    if (found.kind != Found::geosim) require_geosim_store(out, found);
    existing.emplace(Store::open(out));
    if (existing->info().identity != shards[0].info().identity)
      throw BadInput(out + " exists and holds results of another sweep; give a new file to merge into");
  }
  // The merge is made in a file of its own and renamed over --out once complete: a refused or killed
  // merge leaves --out as it was. A temporary file left by a killed merge is stale: it goes first.
  const std::string tmp = out + ".merging";
  remove_store_files(tmp);
  try {
    exec((existing ? existing->db_ : shards[0].db_), "VACUUM INTO " + quoted_sql(tmp, '\''));
    if (existing) existing.reset();
    Store target(open_db(tmp, Access::read_write), tmp);
    exec(target.db_, "UPDATE meta SET value = '' WHERE key = 'shard'");
    target.load_info();
    std::string differs = "s.point IS NOT m.point OR s.seed IS NOT m.seed OR s.status IS NOT m.status";
    for (const auto& r : target.info().records) differs += " OR s." + ident(r) + " IS NOT m." + ident(r);
    // Runs in both stores: their series must be the same rows with the same values, both ways.
    const std::string both = "(SELECT run FROM src.runs INTERSECT SELECT run FROM main.runs)";
    const std::string series_differ =
        "SELECT run, request, month FROM (SELECT * FROM src.series WHERE run IN " + both + " EXCEPT SELECT * FROM main.series WHERE run IN " + both +
        ") UNION SELECT run, request, month FROM (SELECT * FROM main.series WHERE run IN " + both + " EXCEPT SELECT * FROM src.series WHERE run IN " +
        both + ") ORDER BY run, request, month";
    for (std::size_t i = 0; i < inputs.size(); ++i) {
      Stmt attach(target.db_, "ATTACH DATABASE ? AS src");
      attach.bind(1, inputs[i]).run();
      try {
        Stmt clash(target.db_, "SELECT count(*), min(s.run) FROM src.runs s JOIN main.runs m ON s.run = m.run WHERE " + differs);
        if (clash.step() && clash.integer(0) > 0)
          throw BadInput(inputs[i] + ": " + std::to_string(clash.integer(0)) + " run(s) (the first, run " + std::to_string(clash.integer(1)) +
                         ") are also in an earlier store of this merge with different results; nothing was merged");
        Stmt series_clash(target.db_, series_differ);
        if (series_clash.step())
          throw BadInput(inputs[i] + ": run " + std::to_string(series_clash.integer(0)) + " is also in an earlier store of this merge with a different series (request " +
                         std::to_string(series_clash.integer(1)) + ", month " + std::to_string(series_clash.integer(2)) + "); nothing was merged");
        exec(target.db_, "BEGIN; INSERT OR IGNORE INTO main.runs SELECT * FROM src.runs; INSERT OR IGNORE INTO main.series SELECT * FROM src.series; COMMIT;");
      } catch (...) {
        sqlite3_exec(target.db_, "ROLLBACK", nullptr, nullptr, nullptr);
        sqlite3_exec(target.db_, "DETACH DATABASE src", nullptr, nullptr, nullptr);
        throw;
      }
      exec(target.db_, "DETACH DATABASE src");
    }
    std::int64_t runs = 0;
    {
      Stmt count(target.db_, "SELECT count(*) FROM runs");
      runs = count.step() ? count.integer(0) : 0;
    }
    target = Store(nullptr, "");  // closed: every byte is in the file before it is renamed
    // --out's own journals belonged to the file being replaced; its content is in the merge already.
    for (const char* suffix : {"-wal", "-shm"}) std::filesystem::remove(out + suffix);
    std::filesystem::rename(tmp, out);
    return runs;
  } catch (...) {
    remove_store_files(tmp);
    throw;
  }
}

}  // namespace geosim::sweep
