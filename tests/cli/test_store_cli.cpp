// Sweep stores that must be refused or left alone: damaged stores (read without a bounds check, or a
// missing column read as zeros), paths SQLite would not keep, other programs' databases, and merges
// that differ, fail or were killed.
#include <doctest/doctest.h>
#include <sqlite3.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "cli_helpers.h"

namespace fs = std::filesystem;
using cli::contains;
using cli::slurp;

namespace {

void sql(const fs::path& db, const std::string& statement) {
  sqlite3* h = nullptr;
  REQUIRE(sqlite3_open(db.c_str(), &h) == SQLITE_OK);
  char* err = nullptr;
  const int rc = sqlite3_exec(h, statement.c_str(), nullptr, nullptr, &err);
  INFO(statement << ": " << (err ? err : ""));
  sqlite3_free(err);
  sqlite3_close(h);
  REQUIRE(rc == SQLITE_OK);
}

}  // namespace

TEST_CASE("a damaged store is refused, saying what is damaged, never read out of bounds or as zeros") {
  const fs::path dir = cli::fresh_dir("store-damaged");
  fs::create_directories(dir);
  const fs::path good = cli::small_store(dir, "s.db");
  const std::pair<const char*, const char*> damages[] = {
      {"UPDATE points SET param = 100000000 WHERE point = 3 AND param = 1", "its points table has a row for point 3, parameter 100000000"},
      {"DELETE FROM points WHERE point = 9 AND param = 1", "its points table has 19 rows, not the 20 of 10 points of 2 parameters"},
      {"ALTER TABLE runs DROP COLUMN adoption_2024", "its runs table has no column 'adoption_2024'"},
      {"UPDATE meta SET value = 'three' WHERE key = 'replicates'", "its meta value 'replicates' is 'three', not a whole number"},
      {"UPDATE runs SET point = 7 WHERE run = 5", "its run 5 has point 7, replicate 2"},
      {"UPDATE points SET unit = 7 WHERE point = 2 AND param = 0", "its points table holds a design coordinate outside [0, 1]"},
  };
  for (const auto& [damage, message] : damages) {
    INFO(std::string(damage));
    const fs::path copy = dir / "damaged.db";
    fs::remove(copy);
    fs::copy_file(good, copy);
    sql(copy, damage);
    for (const std::string& command : {std::string("analyze "), "report --out " + (dir / "rep").string() + " "}) {
      const auto r = cli::geosim(command + copy.string());
      CHECK(r.code == 2);
      CHECK_MESSAGE(contains(r.err, copy.string() + " is a damaged sweep store: " + message), r.err);
      CHECK(r.out.empty());
    }
    CHECK_FALSE(fs::exists(dir / "rep"));
  }
  CHECK(cli::geosim("analyze " + good.string()).code == 0);
}

TEST_CASE("a store SQLite would not keep ('' or :memory:) is refused before anything runs") {
  const fs::path dir = cli::fresh_dir("store-path");
  fs::create_directories(dir);
  const std::string sweep = cli::small_sweep(dir).string();
  for (const char* path : {"''", "':memory:'"}) {
    const auto r = cli::geosim("sweep " + sweep + " --store " + path + " --threads 1");
    CHECK(r.code == 2);
    CHECK(contains(r.err, "give the store a file name"));
    CHECK_FALSE(contains(r.out, "run now"));
  }
  const auto folder = cli::geosim("sweep " + sweep + " --store " + dir.string());
  CHECK(folder.code == 2);
  CHECK(contains(folder.err, "is not a regular file"));
  CHECK(cli::geosim("merge --out '' " + cli::small_store(dir, "s.db").string()).code == 2);
}

TEST_CASE("another program's SQLite file is refused and left byte for byte as it was") {
  const fs::path dir = cli::fresh_dir("store-foreign");
  fs::create_directories(dir);
  const std::string sweep = cli::small_sweep(dir).string();
  const std::pair<const char*, const char*> foreign[] = {
      {"CREATE TABLE foo(a); INSERT INTO foo VALUES (42);", "(its tables are foo)"},
      {"CREATE TABLE runs(x TEXT);", "(its tables are runs)"},  // a name geosim uses: once switched to WAL all the same
      {"PRAGMA application_id = 7; CREATE TABLE meta(key, value);", "(its application_id is 7)"},
  };
  int n = 0;
  for (const auto& [schema, why] : foreign) {
    INFO(std::string(schema));
    const fs::path db = dir / ("app" + std::to_string(n++) + ".db");
    sql(db, schema);
    const std::string before = slurp(db);
    const auto r = cli::geosim("sweep " + sweep + " --store " + db.string() + " --threads 1 --quiet");
    CHECK(r.code == 2);
    CHECK_MESSAGE(contains(r.err, db.string() + " is not a geosim sweep store " + why), r.err);
    CHECK(slurp(db) == before);
    CHECK_FALSE(fs::exists(db.string() + "-wal"));
    for (const std::string& other : {"analyze " + db.string(), "merge --out " + db.string() + " " + cli::small_store(dir, "s.db").string()}) {
      CHECK(cli::geosim(other).code == 2);
      CHECK(slurp(db) == before);
    }
  }
  std::ofstream(dir / "text.db") << "not a database\n";
  const auto text = cli::geosim("sweep " + sweep + " --store " + (dir / "text.db").string());
  CHECK(text.code == 2);
  CHECK(slurp(dir / "text.db") == "not a database\n");
}

TEST_CASE("merge compares series too, and a refused or killed merge leaves --out as it was") {
  const fs::path dir = cli::fresh_dir("store-merge");
  fs::create_directories(dir);
  std::string shards;
  for (int i = 0; i < 3; ++i) shards += " " + cli::small_store(dir, "s" + std::to_string(i) + ".db", std::to_string(i) + "/3").string();
  const fs::path s0 = dir / "s0.db";
  // The same run with another series value.
  fs::copy_file(s0, dir / "b.db");
  sql(dir / "b.db", "UPDATE series SET value = 0.999 WHERE run = 0 AND month = 5");
  const auto series = cli::geosim("merge --out " + (dir / "a.db").string() + " " + (dir / "b.db").string() + " " + s0.string());
  CHECK(series.code == 2);
  CHECK(contains(series.err, "run 0 is also in an earlier store of this merge with a different series (request 0, month 5)"));
  CHECK_FALSE(fs::exists(dir / "a.db"));
  CHECK_FALSE(fs::exists(dir / "a.db.merging"));
  // A record that differs: refused, and an existing --out is not touched.
  fs::copy_file(s0, dir / "c.db");
  sql(dir / "c.db", "UPDATE runs SET china_open_end = china_open_end + 1e-9 WHERE run = 3");
  REQUIRE(cli::geosim("merge --out " + (dir / "d.db").string() + " " + s0.string()).code == 0);
  const std::string d_before = slurp(dir / "d.db");
  const auto records = cli::geosim("merge --out " + (dir / "d.db").string() + " " + (dir / "c.db").string());
  CHECK(records.code == 2);
  CHECK(contains(records.err, "(the first, run 3) are also in an earlier store of this merge with different results"));
  CHECK(slurp(dir / "d.db") == d_before);
  // A merge killed mid-way leaves only its temporary file, which the same merge replaces.
  std::ofstream(dir / "e.db.merging") << "what a killed VACUUM INTO left";
  const auto again = cli::geosim("merge --out " + (dir / "e.db").string() + shards);
  CHECK_MESSAGE(again.code == 0, again.err);
  CHECK(contains(again.out, "holds 30 of the sweep's 30 runs"));
  CHECK_FALSE(fs::exists(dir / "e.db.merging"));
  // Joined into an existing store, the shards give the same store as joined at once.
  const auto into = cli::geosim("merge --out " + (dir / "d.db").string() + shards);
  CHECK_MESSAGE(into.code == 0, into.err);
  CHECK(contains(into.out, "holds 30 of the sweep's 30 runs"));
}
