#include "row_runner.h"

#include <poll.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <iostream>
#include <stdexcept>

#include "formats.h"
#include "registry.h"

namespace smmu::checks {

using report::items_json;
using report::parse_items_json;

namespace {

bool write_all(int fd, const std::string &s) {
  for (size_t off = 0; off < s.size();) {
    ssize_t n = write(fd, s.data() + off, s.size() - off);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    off += static_cast<size_t>(n);
  }
  return true;
}

std::string to_hex(const std::string &bytes) {
  static const char *digits = "0123456789abcdef";
  std::string s;
  s.reserve(bytes.size() * 2);
  for (unsigned char c : bytes) {
    s += digits[c >> 4];
    s += digits[c & 15];
  }
  return s;
}

std::string from_hex(const std::string &hex) {
  auto nibble = [](char c) { return c <= '9' ? c - '0' : c - 'a' + 10; };
  std::string s(hex.size() / 2, '\0');
  for (size_t i = 0; i < s.size(); ++i) s[i] = static_cast<char>(nibble(hex[2 * i]) << 4 | nibble(hex[2 * i + 1]));
  return s;
}

std::string describe_status(int status) {
  if (WIFSIGNALED(status)) return std::string("killed by signal ") + strsignal(WTERMSIG(status));
  if (WIFEXITED(status)) return "exited with status " + std::to_string(WEXITSTATUS(status));
  return "stopped";
}

// One piece of work: a row under one model, or a model-independent row (lint).
struct Unit {
  size_t pos;  // into the rows being checked
  int model;   // into KernelChecks::models; -1: every model at once
  std::string name;
};

std::vector<models::Model> unit_models(const KernelChecks &k, const Unit &u) {
  return u.model < 0 ? k.models : std::vector<models::Model>{k.models[u.model]};
}

std::vector<Unit> units_of(const KernelChecks &k, const PlannedRows &rows) {
  std::vector<Unit> units;
  for (size_t n = 0; n < rows.size(); ++n) {
    if (rows[n].second.model_independent()) {
      units.push_back({n, -1, rows[n].second.check});
      continue;
    }
    for (size_t m = 0; m < k.models.size(); ++m)
      units.push_back({n, static_cast<int>(m), rows[n].second.check + " [" + k.models[m].name + "]"});
  }
  return units;
}

}  // namespace

size_t unit_count(const KernelChecks &k, const PlannedRows &rows) { return units_of(k, rows).size(); }

std::vector<ReportItem> run_rows(const KernelChecks &k, const PlannedRows &rows, int jobs, RowProgress &progress,
                                 harness::SliceCoverage *coverage) {
  std::vector<Unit> units = units_of(k, rows);
  std::vector<std::vector<ReportItem>> results(units.size());
  std::vector<bool> have(units.size(), false);
  jobs = std::max(1, std::min<int>(jobs, static_cast<int>(units.size())));
  if (jobs == 1) {
    for (size_t u = 0; u < units.size(); ++u) {
      progress.start(u, units[u].name);
      const auto &[row, check] = rows[units[u].pos];
      results[u] = run_check(k, check, row, unit_models(k, units[u]));
      have[u] = true;
      progress.done(u);
    }
  } else {
    auto *next = static_cast<size_t *>(
        mmap(nullptr, sizeof(size_t), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0));
    if (next == MAP_FAILED) throw std::runtime_error(std::string("mmap: ") + strerror(errno));
    *next = 0;
    // Lint is one long unit that no model splits: start it first, not last.
    std::vector<size_t> order;
    for (bool lint : {true, false})
      for (size_t u = 0; u < units.size(); ++u)
        if (lint == (units[u].model < 0)) order.push_back(u);
    struct Worker {
      pid_t pid;
      int fd;
      std::string buffer;
      bool open = true;
      int status = 0;
      long current = -1;  // the unit it last started
    };
    std::vector<Worker> workers;
    std::cout.flush();
    std::cerr.flush();
    std::signal(SIGPIPE, SIG_IGN);
    for (int w = 0; w < jobs; ++w) {
      int p[2];
      if (pipe(p) != 0) throw std::runtime_error(std::string("pipe: ") + strerror(errno));
      pid_t pid = fork();
      if (pid < 0) throw std::runtime_error(std::string("fork: ") + strerror(errno));
      if (pid == 0) {
        close(p[0]);
        for (auto &o : workers) close(o.fd);
        try {
          if (coverage) coverage->reset();  // the parent keeps what ran before the fork
          for (;;) {
            size_t taken = __atomic_fetch_add(next, 1, __ATOMIC_SEQ_CST);
            if (taken >= order.size()) break;
            size_t u = order[taken];
            if (!write_all(p[1], "S " + std::to_string(u) + "\n")) _exit(1);
            const auto &[row, check] = rows[units[u].pos];
            std::vector<ReportItem> items = run_check(k, check, row, unit_models(k, units[u]));
            if (!write_all(p[1], "R " + std::to_string(u) + " " + items_json(items) + "\n")) _exit(1);
          }
          if (coverage && !write_all(p[1], "C " + to_hex(coverage->raw_profile()) + "\n")) _exit(1);
        } catch (...) {
          _exit(3);  // never back into main(): the parent owns the report
        }
        _exit(0);
      }
      close(p[1]);
      workers.push_back({pid, p[0], "", true, 0, -1});
    }
    for (;;) {
      std::vector<pollfd> fds;
      std::vector<Worker *> who;
      for (auto &w : workers)
        if (w.open) {
          fds.push_back({w.fd, POLLIN, 0});
          who.push_back(&w);
        }
      if (fds.empty()) break;
      int ready = poll(fds.data(), fds.size(), 200);
      if (ready < 0 && errno != EINTR) throw std::runtime_error(std::string("poll: ") + strerror(errno));
      progress.tick();
      for (size_t i = 0; i < fds.size(); ++i) {
        if (!(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
        Worker &w = *who[i];
        char buf[65536];
        ssize_t n = read(w.fd, buf, sizeof buf);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {
          close(w.fd);
          w.open = false;
          waitpid(w.pid, &w.status, 0);
          if (w.current >= 0 && !have[w.current]) {
            const Unit &u = units[w.current];
            results[w.current] = unknown_items(
                rows[u.pos].second, rows[u.pos].first, unit_models(k, u),
                "the worker process checking it " + describe_status(w.status) + " (run with --jobs 1 --only '" +
                    rows[u.pos].second.check + "' to see why)");
            have[w.current] = true;
            progress.done(w.current);
          }
          continue;
        }
        w.buffer.append(buf, static_cast<size_t>(n));
        size_t nl;
        while ((nl = w.buffer.find('\n')) != std::string::npos) {
          std::string line = w.buffer.substr(0, nl);
          w.buffer.erase(0, nl + 1);
          if (line.rfind("C ", 0) == 0) {
            if (coverage) coverage->add_raw_profile(from_hex(line.substr(2)));
            continue;
          }
          size_t sp = line.find(' ', 2);
          size_t u = std::stoul(line.substr(2, sp == std::string::npos ? std::string::npos : sp - 2));
          if (u >= units.size()) continue;
          if (line[0] == 'S') {
            w.current = static_cast<long>(u);
            progress.start(u, units[u].name);
          } else if (line[0] == 'R' && sp != std::string::npos) {
            results[u] = parse_items_json(line.substr(sp + 1), "the worker report of " + units[u].name);
            have[u] = true;
            progress.done(u);
          }
        }
      }
    }
    munmap(next, sizeof(size_t));
    for (size_t u = 0; u < units.size(); ++u)
      if (!have[u])  // every worker died before reaching it
        results[u] = unknown_items(rows[units[u].pos].second, rows[units[u].pos].first, unit_models(k, units[u]),
                                   "no worker process was left to check it");
  }
  std::vector<ReportItem> items;
  for (auto &r : results)
    for (auto &it : r) items.push_back(std::move(it));
  return items;
}

}  // namespace smmu::checks
