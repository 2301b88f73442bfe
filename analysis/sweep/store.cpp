#include "analysis/sweep/store.h"

#include <sqlite3.h>

#include <cmath>
#include <filesystem>
#include <stdexcept>

#include "model/series.h"

namespace geosim::sweep {
namespace {

constexpr const char* kFormat = "geosim-sweep-store 1";

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

/// A quoted SQL identifier: column names are key paths and record names, with dots in them.
std::string ident(const std::string& name) {
  std::string q = "\"";
  for (char c : name) q += c == '"' ? std::string("\"\"") : std::string(1, c);
  return q + "\"";
}

std::string shortest(double v) {
  return std::isnan(v) ? "NA" : format_value(v);
}

sqlite3* open_db(const std::string& path, bool create) {
  sqlite3* db = nullptr;
  const int flags = SQLITE_OPEN_READWRITE | (create ? SQLITE_OPEN_CREATE : 0) | SQLITE_OPEN_FULLMUTEX;
  if (sqlite3_open_v2(path.c_str(), &db, flags, nullptr) != SQLITE_OK) {
    std::string msg = db ? sqlite3_errmsg(db) : "out of memory";
    sqlite3_close(db);
    throw std::runtime_error("cannot open the sweep store " + path + ": " + msg);
  }
  sqlite3_busy_timeout(db, 10000);
  return db;
}

std::string meta(sqlite3* db, const std::string& key) {
  Stmt s(db, "SELECT value FROM meta WHERE key = ?");
  s.bind(1, key);
  return s.step() ? s.text(0) : std::string();
}

}  // namespace

Store::Store(sqlite3* db) : db_(db) {}
Store::Store(Store&& o) noexcept : db_(o.db_), info_(std::move(o.info_)) { o.db_ = nullptr; }
Store& Store::operator=(Store&& o) noexcept {
  std::swap(db_, o.db_);
  std::swap(info_, o.info_);
  return *this;
}
Store::~Store() {
  if (db_) sqlite3_close(db_);
}

Store Store::for_sweep(const std::string& path, const SweepDef& sweep, const Plan& plan, const std::string& shard) {
  const bool existed = std::filesystem::exists(path);
  Store store(open_db(path, true));
  sqlite3* db = store.db_;
  // WAL: readers never block the writer, and a killed process leaves a consistent file. With
  // synchronous=NORMAL a committed batch survives the process being killed (not a power cut).
  exec(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;");
  bool has_meta = false;
  {
    Stmt s(db, "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'meta'");
    has_meta = s.step() && s.integer(0) > 0;
  }
  if (existed && has_meta) {
    if (meta(db, "format") != kFormat) throw std::runtime_error(path + " is not a geosim sweep store (format '" + meta(db, "format") + "')");
    if (meta(db, "identity") != sweep.identity)
      throw std::runtime_error(path + " holds results of another sweep, or of this sweep file or its base scenario before they changed (identity " +
                               meta(db, "identity") + ", now " + sweep.identity + "); give a new --store, or restore the files");
    if (meta(db, "shard") != shard)
      throw std::runtime_error(path + " holds shard '" + meta(db, "shard") + "' of this sweep, not '" + shard + "'" +
                               " (give each shard its own store and join them with geosim merge)");
    store.load_info();
    return store;
  }
  for (const auto& r : sweep.records)
    for (const auto& p : sweep.parameters)
      if (r.name == p.path) throw std::runtime_error("record name '" + r.name + "' is also a parameter's path; rename the record");
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
  {
    Stmt s(db, "INSERT INTO points VALUES(?, ?, ?, ?, ?)");
    for (std::size_t r = 0; r < plan.points(); ++r)
      for (std::size_t i = 0; i < sweep.parameters.size(); ++i)
        s.bind(1, static_cast<std::int64_t>(r)).bind(2, static_cast<std::int64_t>(i)).bind(3, plan.unit.at(r, i)).bind(4, plan.values[r][i]).bind(5, plan.numbers[r][i]).run();
  }
  exec(db, "COMMIT");
  store.load_info();
  return store;
}

Store Store::open(const std::string& path) {
  if (!std::filesystem::exists(path)) throw std::runtime_error("no sweep store at " + path);
  Store store(open_db(path, false));
  {
    Stmt s(store.db_, "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'meta'");
    if (!(s.step() && s.integer(0) > 0) || meta(store.db_, "format") != kFormat) throw std::runtime_error(path + " is not a geosim sweep store");
  }
  store.load_info();
  return store;
}

void Store::load_info() {
  StoreInfo& i = info_;
  auto whole = [&](const char* k) { return static_cast<std::size_t>(std::stoull(meta(db_, k))); };
  i.name = meta(db_, "name"), i.method = meta(db_, "method"), i.sequence = meta(db_, "sequence");
  i.identity = meta(db_, "identity"), i.shard = meta(db_, "shard");
  i.replicates = whole("replicates"), i.samples = whole("samples"), i.trajectories = whole("trajectories");
  i.morris_levels = whole("morris_levels"), i.design_seed = whole("design_seed");
  i.planned_runs = static_cast<std::int64_t>(whole("planned_runs"));
  i.start = parse_month(meta(db_, "start")).value_or(Month{});
  i.months = static_cast<int>(whole("months"));
  i.parameters.clear(), i.records.clear(), i.series.clear();
  for (Stmt s(db_, "SELECT path FROM parameters ORDER BY idx"); s.step();) i.parameters.push_back(s.text(0));
  for (Stmt s(db_, "SELECT name FROM records ORDER BY idx"); s.step();) i.records.push_back(s.text(0));
  for (Stmt s(db_, "SELECT metric, scope FROM series_requests ORDER BY idx"); s.step();) i.series.push_back(s.text(0) + "@" + s.text(1));
  const std::size_t k = i.parameters.size();
  i.unit = analysis::Design{};
  i.unit.dims = k;
  i.numbers.clear();
  for (Stmt s(db_, "SELECT point, param, unit, number FROM points ORDER BY point, param"); s.step();) {
    const auto point = static_cast<std::size_t>(s.integer(0));
    if (point >= i.numbers.size()) i.numbers.resize(point + 1), i.unit.values.resize((point + 1) * k), i.unit.rows = point + 1;
    i.unit.values[point * k + static_cast<std::size_t>(s.integer(1))] = s.real(2);
    i.numbers[point].push_back(s.real(3));
  }
  if (k == 0) {  // an ensemble: one point, no coordinates
    i.unit.rows = static_cast<std::size_t>(i.planned_runs) / std::max<std::size_t>(1, i.replicates);
    i.numbers.assign(i.unit.rows, {});
  }
}

std::set<std::int64_t> Store::finished_runs() const {
  std::set<std::int64_t> done;
  for (Stmt s(db_, "SELECT run FROM runs"); s.step();) done.insert(s.integer(0));
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

std::vector<StoredRun> Store::runs() const {
  std::vector<StoredRun> out;
  std::string sql = "SELECT run, point, replicate, seed, status, error";
  for (const auto& r : info_.records) sql += ", " + ident(r);
  for (Stmt s(db_, sql + " FROM runs ORDER BY run"); s.step();) {
    StoredRun r;
    r.run = s.integer(0), r.point = static_cast<std::size_t>(s.integer(1)), r.replicate = static_cast<std::size_t>(s.integer(2));
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
    for (double v : r.records) out.append(" ").append(shortest(v));
    out += "\n";
  }
  for (std::size_t q = 0; q < info_.series.size(); ++q)
    for (const auto& [run, values] : series(q)) {
      out += "series " + info_.series[q] + " " + std::to_string(run);
      for (double v : values) out.append(" ").append(shortest(v));
      out += "\n";
    }
  return out;
}

std::int64_t Store::merge(const std::string& out, const std::vector<std::string>& inputs) {
  if (inputs.empty()) throw std::invalid_argument("geosim merge needs at least one store to join");
  std::vector<Store> shards;
  for (const auto& in : inputs) shards.push_back(Store::open(in));
  for (std::size_t i = 1; i < shards.size(); ++i)
    if (shards[i].info().identity != shards[0].info().identity)
      throw std::runtime_error(inputs[i] + " holds results of another sweep than " + inputs[0] + " (identity " + shards[i].info().identity + " vs " +
                               shards[0].info().identity + ")");
  if (!std::filesystem::exists(out)) {
    exec(shards[0].db_, "VACUUM INTO " + [&] {
      std::string q = "'";
      for (char c : out) q += c == '\'' ? std::string("''") : std::string(1, c);
      return q + "'";
    }());
  }
  Store target(open_db(out, false));
  exec(target.db_, "PRAGMA journal_mode=WAL;");
  if (meta(target.db_, "format") != kFormat || meta(target.db_, "identity") != shards[0].info().identity)
    throw std::runtime_error(out + " exists and holds results of another sweep; give a new file to merge into");
  exec(target.db_, "UPDATE meta SET value = '' WHERE key = 'shard'");
  target.load_info();
  std::string differs = "s.point IS NOT m.point OR s.seed IS NOT m.seed OR s.status IS NOT m.status";
  for (const auto& r : target.info().records) differs += " OR s." + ident(r) + " IS NOT m." + ident(r);
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    Stmt attach(target.db_, "ATTACH DATABASE ? AS src");
    attach.bind(1, inputs[i]).run();
    try {
      Stmt clash(target.db_, "SELECT count(*) FROM src.runs s JOIN main.runs m ON s.run = m.run WHERE " + differs);
      if (clash.step() && clash.integer(0) > 0)
        throw std::runtime_error(inputs[i] + ": " + std::to_string(clash.integer(0)) + " runs are also in " + out + " with different results");
      exec(target.db_, "BEGIN; INSERT OR IGNORE INTO main.runs SELECT * FROM src.runs; INSERT OR IGNORE INTO main.series SELECT * FROM src.series; COMMIT;");
    } catch (...) {
      sqlite3_exec(target.db_, "ROLLBACK", nullptr, nullptr, nullptr);
      exec(target.db_, "DETACH DATABASE src");
      throw;
    }
    exec(target.db_, "DETACH DATABASE src");
  }
  Stmt count(target.db_, "SELECT count(*) FROM runs");
  return count.step() ? count.integer(0) : 0;
}

}  // namespace geosim::sweep
