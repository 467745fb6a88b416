// SPDX-License-Identifier: Apache-2.0
#include "registrar/sqlite_binding_store.hpp"

#include <sqlite3.h>

#include <spdlog/spdlog.h>

#include <chrono>
#include <optional>
#include <utility>

namespace insip::registrar {

namespace {

constexpr int kSchemaVersion = 1;

// Times are stored as integer nanoseconds since the Unix epoch (exact round trip of SystemTime).
std::int64_t toNanos(util::SystemTime t) {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(t.time_since_epoch()).count();
}
util::SystemTime fromNanos(std::int64_t ns) {
  return util::SystemTime(
      std::chrono::duration_cast<util::SystemTime::duration>(std::chrono::nanoseconds(ns)));
}

void bindText(sqlite3_stmt* s, int i, std::string_view v) {
  // SQLITE_STATIC: the views outlive the sqlite3_step() that reads them.
  sqlite3_bind_text(s, i, v.data(), static_cast<int>(v.size()), SQLITE_STATIC);
}

std::string columnText(sqlite3_stmt* s, int i) {
  const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(s, i));
  return p ? std::string(p, static_cast<std::size_t>(sqlite3_column_bytes(s, i))) : std::string();
}

constexpr const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS bindings (
  aor            TEXT    NOT NULL,
  contact        TEXT    NOT NULL,
  call_id        TEXT    NOT NULL,
  cseq           INTEGER NOT NULL,
  expires_at_ns  INTEGER NOT NULL,
  q_milli        INTEGER NOT NULL,
  flow           TEXT    NOT NULL,
  connection_id  INTEGER NOT NULL,
  instance       TEXT    NOT NULL,
  path           TEXT    NOT NULL,
  updated_at_ns  INTEGER NOT NULL,
  PRIMARY KEY (aor, contact)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS bindings_by_expiry ON bindings (expires_at_ns);
)sql";

}  // namespace

void SqliteBindingStore::DbCloser::operator()(sqlite3* db) const { sqlite3_close_v2(db); }
void SqliteBindingStore::StmtFinalizer::operator()(sqlite3_stmt* s) const { sqlite3_finalize(s); }

SqliteBindingStore::SqliteBindingStore(Key, const util::Clock& clock)
    : clock_(clock), index_(clock) {}

SqliteBindingStore::~SqliteBindingStore() {
  stopWriter();
  // Statements must be finalized before the connection closes (members die in reverse order,
  // but be explicit: db_ is declared first).
  begin_.reset();
  commit_.reset();
  rollback_.reset();
  upsert_.reset();
  delete_one_.reset();
  delete_aor_.reset();
  delete_expired_aor_.reset();
  purge_.reset();
}

util::Result<SqliteBindingStorePtr> SqliteBindingStore::open(const std::filesystem::path& path,
                                                             const util::Clock& clock) {
  sqlite3* raw = nullptr;
  const int rc =
      sqlite3_open_v2(path.c_str(), &raw,
                      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  Db db(raw);  // sqlite3_open_v2 may allocate a handle even on failure
  if (rc != SQLITE_OK) {
    return util::fail(StoreErrc::OpenFailed);
  }
  sqlite3_extended_result_codes(db.get(), 1);
  sqlite3_busy_timeout(db.get(), 2000);
  // WAL + synchronous=NORMAL: each commit is appended to the WAL file before COMMIT returns, so
  // it survives the death of the process; fsync happens at checkpoints only (fast).
  // locking_mode=EXCLUSIVE: the bindings file belongs to one proxy process; holding the lock for
  // the connection's lifetime saves SQLite's per-transaction lock/unlock and shared-memory system
  // calls on the REGISTER hot path, and stops a second proxy from using the same file by mistake.
  // The OS releases the lock if the process dies (kill -9), so a restart can open it again.
  if (sqlite3_exec(db.get(),
                   "PRAGMA locking_mode=EXCLUSIVE; PRAGMA journal_mode=WAL; "
                   "PRAGMA synchronous=NORMAL;",
                   nullptr, nullptr, nullptr) != SQLITE_OK) {
    return util::fail(StoreErrc::OpenFailed);
  }
  auto store = std::make_unique<SqliteBindingStore>(Key{}, clock);
  store->db_ = std::move(db);

  // Schema versioning through PRAGMA user_version.
  {
    sqlite3_stmt* raw_stmt = nullptr;
    if (sqlite3_prepare_v2(store->db_.get(), "PRAGMA user_version", -1, &raw_stmt, nullptr) !=
        SQLITE_OK) {
      return util::fail(StoreErrc::SchemaError);
    }
    Stmt stmt(raw_stmt);
    if (sqlite3_step(stmt.get()) != SQLITE_ROW) {
      return util::fail(StoreErrc::SchemaError);
    }
    const int version = sqlite3_column_int(stmt.get(), 0);
    if (version != 0 && version != kSchemaVersion) {
      return util::fail(StoreErrc::SchemaError);  // written by a newer/unknown insip
    }
  }
  if (sqlite3_exec(store->db_.get(), kSchema, nullptr, nullptr, nullptr) != SQLITE_OK ||
      sqlite3_exec(store->db_.get(), "PRAGMA user_version = 1", nullptr, nullptr, nullptr) !=
          SQLITE_OK) {
    return util::fail(StoreErrc::SchemaError);
  }
  if (auto ok = store->prepareAll(); !ok) {
    return ok.error();
  }
  if (auto ok = store->load(); !ok) {
    return ok.error();
  }
  return store;
}

util::Result<void> SqliteBindingStore::prepareAll() {
  struct Def {
    Stmt* stmt;
    const char* sql;
  };
  const Def defs[] = {
      {&begin_, "BEGIN IMMEDIATE"},
      {&commit_, "COMMIT"},
      {&rollback_, "ROLLBACK"},
      {&upsert_,
       "INSERT OR REPLACE INTO bindings (aor, contact, call_id, cseq, expires_at_ns, q_milli, flow,"
       " connection_id, instance, path, updated_at_ns) VALUES "
       "(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11)"},
      {&delete_one_, "DELETE FROM bindings WHERE aor = ?1 AND contact = ?2"},
      {&delete_aor_, "DELETE FROM bindings WHERE aor = ?1"},
      {&delete_expired_aor_, "DELETE FROM bindings WHERE aor = ?1 AND expires_at_ns <= ?2"},
      {&purge_, "DELETE FROM bindings WHERE expires_at_ns <= ?1"},
  };
  for (const Def& d : defs) {
    sqlite3_stmt* raw = nullptr;
    if (sqlite3_prepare_v3(db_.get(), d.sql, -1, SQLITE_PREPARE_PERSISTENT, &raw, nullptr) !=
        SQLITE_OK) {
      sqlite3_finalize(raw);
      return util::fail(StoreErrc::SchemaError);
    }
    d.stmt->reset(raw);
  }
  return {};
}

util::Result<void> SqliteBindingStore::load() {
  const std::int64_t now_ns = toNanos(clock_.systemNow());
  // Reclaim what expired while we were down, then load the rest.
  sqlite3_reset(purge_.get());
  sqlite3_bind_int64(purge_.get(), 1, now_ns);
  if (sqlite3_step(purge_.get()) != SQLITE_DONE) {
    sqlite3_reset(purge_.get());
    return fail("purge at open");
  }
  sqlite3_reset(purge_.get());

  sqlite3_stmt* raw = nullptr;
  if (sqlite3_prepare_v2(db_.get(),
                         "SELECT aor, contact, call_id, cseq, expires_at_ns, q_milli, flow,"
                         " instance, path, updated_at_ns FROM bindings ORDER BY aor",
                         -1, &raw, nullptr) != SQLITE_OK) {
    sqlite3_finalize(raw);
    return fail("prepare load");
  }
  Stmt select(raw);
  BindingChanges batch;
  std::string current_aor;
  auto flush = [&]() -> util::Result<void> {
    if (batch.upserts.empty()) {
      return {};
    }
    auto ok = index_.apply(current_aor, batch);
    batch.upserts.clear();
    return ok;
  };
  int rc;
  while ((rc = sqlite3_step(select.get())) == SQLITE_ROW) {
    Binding b;
    b.aor = columnText(select.get(), 0);
    b.contact = columnText(select.get(), 1);
    b.call_id = columnText(select.get(), 2);
    b.cseq = static_cast<std::uint32_t>(sqlite3_column_int64(select.get(), 3));
    b.expires_at = fromNanos(sqlite3_column_int64(select.get(), 4));
    const auto q = sqlite3_column_int64(select.get(), 5);
    b.q_milli = static_cast<std::uint16_t>(q < 0 ? 0 : q > 1000 ? 1000 : q);
    b.flow = columnText(select.get(), 6);
    b.connection_id = 0;  // connections do not survive a restart
    b.instance = columnText(select.get(), 7);
    b.path = columnText(select.get(), 8);
    b.updated_at = fromNanos(sqlite3_column_int64(select.get(), 9));
    if (b.aor != current_aor) {
      if (auto ok = flush(); !ok) {
        return ok;
      }
      current_aor = b.aor;
    }
    if (b.contact.empty()) {
      continue;  // not written by us; ignore rather than refuse to start
    }
    batch.upserts.push_back(std::move(b));
  }
  if (rc != SQLITE_DONE) {
    return fail("load");
  }
  return flush();
}

util::Result<void> SqliteBindingStore::fail(const char* what) {
  last_error_ = std::string(what) + ": " + sqlite3_errmsg(db_.get());
  return util::fail(StoreErrc::DatabaseError);
}

template <class F>
util::Result<void> SqliteBindingStore::inTransaction(F&& body) {
  sqlite3_reset(begin_.get());
  if (sqlite3_step(begin_.get()) != SQLITE_DONE) {
    sqlite3_reset(begin_.get());
    return fail("BEGIN");
  }
  sqlite3_reset(begin_.get());
  util::Result<void> ok = body();
  if (ok) {
    sqlite3_reset(commit_.get());
    if (sqlite3_step(commit_.get()) == SQLITE_DONE) {
      sqlite3_reset(commit_.get());
      return {};
    }
    sqlite3_reset(commit_.get());
    ok = fail("COMMIT");
  }
  // Roll back whatever the body or the failed COMMIT left (a no-op error if SQLite already did).
  sqlite3_reset(rollback_.get());
  sqlite3_step(rollback_.get());
  sqlite3_reset(rollback_.get());
  return ok;
}

std::vector<Binding> SqliteBindingStore::lookup(std::string_view aor) const {
  return index_.lookup(aor);  // never touches SQLite
}

util::Result<void> SqliteBindingStore::writeChanges(std::string_view aor,
                                                    const BindingChanges& changes,
                                                    std::int64_t now_ns) {
  auto step = [&](sqlite3_stmt* s, const char* what) -> util::Result<void> {
    const int rc = sqlite3_step(s);
    sqlite3_reset(s);
    sqlite3_clear_bindings(s);
    if (rc != SQLITE_DONE) {
      return fail(what);
    }
    return {};
  };
  sqlite3_stmt* s = delete_expired_aor_.get();
  bindText(s, 1, aor);
  sqlite3_bind_int64(s, 2, now_ns);
  if (auto ok = step(s, "delete expired"); !ok) {
    return ok;
  }
  for (const std::string& contact : changes.removals) {
    s = delete_one_.get();
    bindText(s, 1, aor);
    bindText(s, 2, contact);
    if (auto ok = step(s, "delete"); !ok) {
      return ok;
    }
  }
  for (const Binding& b : changes.upserts) {
    s = upsert_.get();
    bindText(s, 1, b.aor);
    bindText(s, 2, b.contact);
    bindText(s, 3, b.call_id);
    sqlite3_bind_int64(s, 4, b.cseq);
    sqlite3_bind_int64(s, 5, toNanos(b.expires_at));
    sqlite3_bind_int(s, 6, b.q_milli);
    bindText(s, 7, b.flow);
    sqlite3_bind_int64(s, 8, static_cast<sqlite3_int64>(b.connection_id));
    bindText(s, 9, b.instance);
    bindText(s, 10, b.path);
    sqlite3_bind_int64(s, 11, toNanos(b.updated_at));
    if (auto ok = step(s, "upsert"); !ok) {
      return ok;
    }
  }
  return {};
}

util::Result<void> SqliteBindingStore::apply(std::string_view aor, const BindingChanges& changes) {
  if (auto ok = validateChanges(aor, changes); !ok) {
    return ok;
  }
  const std::int64_t now_ns = toNanos(clock_.systemNow());
  {
    std::unique_lock q(queue_mutex_);
    if (writer_running_) {
      // Through the queue, so this write lands after every queued one; wait for its COMMIT.
      std::mutex m;
      std::condition_variable cv;
      std::optional<util::Result<void>> result;
      if (auto ok = index_.apply(aor, changes); !ok) {
        return ok;
      }
      queue_.push_back(Job{std::string(aor), changes, now_ns,
                           [&](util::Result<void> r) {
                             std::lock_guard l(m);
                             result = r;
                             cv.notify_one();
                           },
                           true});
      queue_cv_.notify_one();
      q.unlock();
      std::unique_lock l(m);
      cv.wait(l, [&] { return result.has_value(); });
      return *result;
    }
  }
  std::lock_guard lock(write_mutex_);
  if (auto ok = inTransaction([&] { return writeChanges(aor, changes, now_ns); }); !ok) {
    return ok;  // nothing committed, index untouched
  }
  return index_.apply(aor, changes);  // validated above: cannot fail
}

util::Result<void> SqliteBindingStore::applyAsync(std::string_view aor,
                                                  const BindingChanges& changes, Done done) {
  if (auto ok = validateChanges(aor, changes); !ok) {
    return ok;
  }
  std::unique_lock q(queue_mutex_);
  if (!writer_running_) {
    q.unlock();
    return BindingStore::applyAsync(aor, changes, std::move(done));
  }
  // The index first: the next REGISTER or lookup sees the change, and writes of one AOR reach
  // the queue in the order the registrar decided them. Should the write fail (disk full, I/O
  // error), the completion says so (the registrar answers 500) and the writer logs it, but the
  // index keeps the change: memory is then ahead of the disk for that AOR until its bindings
  // expire or the process restarts (known limitation; the fix is to rewrite the AOR from the
  // index once the disk accepts writes again).
  if (auto ok = index_.apply(aor, changes); !ok) {
    return ok;
  }
  queue_.push_back(
      Job{std::string(aor), changes, toNanos(clock_.systemNow()), std::move(done), false});
  queue_cv_.notify_one();
  return {};
}

void SqliteBindingStore::startWriter(Poster post) {
  std::lock_guard q(queue_mutex_);
  if (writer_running_ || writer_.joinable() || !post) {
    return;
  }
  post_ = std::move(post);
  stopping_ = false;
  writer_running_ = true;
  writer_ = std::thread([this] { writerLoop(); });
}

void SqliteBindingStore::stopWriter() {
  {
    std::lock_guard q(queue_mutex_);
    if (!writer_.joinable()) {
      return;
    }
    stopping_ = true;
    queue_cv_.notify_one();
  }
  writer_.join();  // the writer cleared writer_running_ itself, with the queue empty
}

std::uint64_t SqliteBindingStore::writerCommits() const {
  std::lock_guard l(stats_mutex_);
  return commits_;
}

std::uint64_t SqliteBindingStore::writerWrites() const {
  std::lock_guard l(stats_mutex_);
  return writes_;
}

void SqliteBindingStore::writerLoop() {
  // Bounded batches keep one transaction (and the wait of its first writer) short.
  constexpr std::size_t kMaxBatch = 512;
  std::vector<Job> batch;
  std::vector<util::Result<void>> results;
  for (;;) {
    {
      std::unique_lock q(queue_mutex_);
      queue_cv_.wait(q, [&] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) {
        // Stopping, and everything queued is written. From here on writes take the synchronous
        // path, so nothing can be queued for a writer that no longer runs.
        writer_running_ = false;
        return;
      }
      batch.clear();
      while (!queue_.empty() && batch.size() < kMaxBatch) {
        batch.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
    }
    commitBatch(batch, results);
    for (std::size_t i = 0; i < batch.size(); ++i) {
      if (batch[i].direct) {
        batch[i].done(results[i]);
      } else {
        post_([done = std::move(batch[i].done), r = results[i]]() mutable { done(r); });
      }
    }
  }
}

void SqliteBindingStore::commitBatch(std::vector<Job>& batch,
                                     std::vector<util::Result<void>>& results) {
  std::lock_guard lock(write_mutex_);
  results.assign(batch.size(), util::Result<void>{});
  auto all = inTransaction([&]() -> util::Result<void> {
    for (const Job& j : batch) {
      if (auto ok = writeChanges(j.aor, j.changes, j.now_ns); !ok) {
        return ok;
      }
    }
    return {};
  });
  std::uint64_t commits = 1;
  if (!all) {
    // One change set failed (or the COMMIT did): nothing of the batch is stored. Write each on
    // its own, so one bad write does not fail its neighbours.
    spdlog::warn("bindings database: batch of {} writes failed ({}); retrying one by one",
                 batch.size(), last_error_);
    commits = 0;
    for (std::size_t i = 0; i < batch.size(); ++i) {
      results[i] = inTransaction(
          [&] { return writeChanges(batch[i].aor, batch[i].changes, batch[i].now_ns); });
      if (results[i]) {
        ++commits;
      } else {
        spdlog::error("bindings database: write for {} failed: {} (kept in memory only)",
                      batch[i].aor, last_error_);
      }
    }
  }
  std::lock_guard l(stats_mutex_);
  commits_ += commits;
  writes_ += batch.size();
}

util::Result<void> SqliteBindingStore::removeAll(std::string_view aor) {
  {
    std::unique_lock q(queue_mutex_);
    if (writer_running_) {
      // Through the queue like every other write, so it lands after those queued before it.
      q.unlock();
      BindingChanges changes;
      for (const Binding& b : index_.lookup(aor)) changes.removals.push_back(b.contact);
      if (auto ok = apply(aor, changes); !ok) return ok;
      return index_.removeAll(aor);  // expired bindings too
    }
  }
  std::lock_guard lock(write_mutex_);
  sqlite3_stmt* s = delete_aor_.get();
  bindText(s, 1, aor);
  const int rc = sqlite3_step(s);
  sqlite3_reset(s);
  sqlite3_clear_bindings(s);
  if (rc != SQLITE_DONE) {
    return fail("delete aor");
  }
  return index_.removeAll(aor);
}

util::Result<std::size_t> SqliteBindingStore::purgeExpired(util::SystemTime now) {
  std::lock_guard lock(write_mutex_);
  sqlite3_stmt* s = purge_.get();
  sqlite3_bind_int64(s, 1, toNanos(now));
  const int rc = sqlite3_step(s);
  sqlite3_reset(s);
  if (rc != SQLITE_DONE) {
    return fail("purge").error();
  }
  return index_.purgeExpired(now);
}

std::size_t SqliteBindingStore::count() const { return index_.count(); }

std::string SqliteBindingStore::lastError() const {
  std::lock_guard lock(write_mutex_);
  return last_error_;
}

}  // namespace insip::registrar
