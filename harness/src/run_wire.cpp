#include "run_wire.h"

#include <cstring>
#include <type_traits>

namespace smmu::harness {
namespace {

class Writer {
 public:
  template <class T>
  void pod(T v) {
    static_assert(std::is_trivially_copyable_v<T>);
    out.append(reinterpret_cast<const char *>(&v), sizeof v);
  }
  void str(const std::string &s) {
    pod<uint64_t>(s.size());
    out += s;
  }
  template <class T>
  void pods(const std::vector<T> &v) {
    pod<uint64_t>(v.size());
    for (const T &x : v) pod(x);
  }
  void strs(const std::vector<std::string> &v) {
    pod<uint64_t>(v.size());
    for (const auto &s : v) str(s);
  }
  std::string out;
};

class Reader {
 public:
  explicit Reader(const std::string &in) : in_(in) {}
  template <class T>
  T pod() {
    T v;
    take(&v, sizeof v);
    return v;
  }
  std::string str() {
    std::string s(count(1), '\0');
    take(s.data(), s.size());
    return s;
  }
  template <class T>
  std::vector<T> pods() {
    std::vector<T> v(count(sizeof(T)));
    for (T &x : v) x = pod<T>();
    return v;
  }
  std::vector<std::string> strs() {
    std::vector<std::string> v(count(sizeof(uint64_t)));
    for (auto &s : v) s = str();
    return v;
  }
  bool done() const { return at_ == in_.size(); }
  // A length prefix, checked against what is left so a short read cannot allocate wildly.
  size_t count(size_t each) {
    uint64_t n = pod<uint64_t>();
    if (n > (in_.size() - at_) / each) throw std::runtime_error("run record: length past its end");
    return n;
  }

 private:
  void take(void *to, size_t n) {
    if (n > in_.size() - at_) throw std::runtime_error("run record: truncated");
    std::memcpy(to, in_.data() + at_, n);
    at_ += n;
  }
  const std::string &in_;
  size_t at_ = 0;
};

// Every field of Event, in declaration order (event.h): a new field goes here too.
void put(Writer &w, const Event &e) {
  w.pod(e.kind);
  w.str(e.loc.file);
  w.pod(e.loc.line);
  w.pod(e.desc);
  w.pod(e.offset);
  w.pod(e.addr);
  w.pod(e.size);
  w.pod(e.value);
  w.pod(e.old_value);
  w.pod(e.store);
  w.pod(e.barrier);
  w.pod(e.cmo);
  w.pod(e.zeroed);
  w.pod(e.cmd);
  w.pods(e.before);
  w.pods(e.after);
  w.str(e.text);
  const Event::Walk &k = e.walk;
  for (uint64_t v : {k.root, k.root_desc, k.root_mask}) w.pod(v);
  for (int v : {k.start_level, k.pgd_bits, k.bits_per_level, k.ias, k.oas, k.stage, k.fmt, k.asid, k.vmid})
    w.pod(v);
  w.pod(k.coherent_walk);
  w.pod(k.tlbi_recorded);
  w.pods(k.ats_sids);
  w.pod(k.ats_ssv);
  w.pod(k.ats_ssid);
  w.pods(e.iovas);
}

Event get_event(Reader &r) {
  Event e;
  e.kind = r.pod<EventKind>();
  e.loc.file = r.str();
  e.loc.line = r.pod<int>();
  e.desc = r.pod<int>();
  e.offset = r.pod<uint64_t>();
  e.addr = r.pod<uint64_t>();
  e.size = r.pod<uint64_t>();
  e.value = r.pod<uint64_t>();
  e.old_value = r.pod<uint64_t>();
  e.store = r.pod<StoreKind>();
  e.barrier = r.pod<BarrierKind>();
  e.cmo = r.pod<CmoKind>();
  e.zeroed = r.pod<bool>();
  e.cmd = r.pod<std::array<uint64_t, 2>>();
  e.before = r.pods<uint64_t>();
  e.after = r.pods<uint64_t>();
  e.text = r.str();
  Event::Walk &k = e.walk;
  for (uint64_t *v : {&k.root, &k.root_desc, &k.root_mask}) *v = r.pod<uint64_t>();
  for (int *v : {&k.start_level, &k.pgd_bits, &k.bits_per_level, &k.ias, &k.oas, &k.stage, &k.fmt, &k.asid, &k.vmid})
    *v = r.pod<int>();
  k.coherent_walk = r.pod<bool>();
  k.tlbi_recorded = r.pod<bool>();
  k.ats_sids = r.pods<uint32_t>();
  k.ats_ssv = r.pod<bool>();
  k.ats_ssid = r.pod<uint32_t>();
  e.iovas = r.pods<uint64_t>();
  return e;
}

}  // namespace

std::string encode_run(const RunResult &r) {
  Writer w;
  w.str(r.suite);
  w.str(r.name);
  w.pod(r.status);
  w.pod(r.seeded);
  const Trace &t = r.trace;
  w.pod<uint64_t>(t.descs.size());
  for (const DescRange &d : t.descs) {
    w.str(d.name);
    w.pod(d.kind);
    w.pod(d.base);
    w.pod(d.size);
    w.pod(d.live);
  }
  w.pod<uint64_t>(t.events.size());
  for (const Event &e : t.events) put(w, e);
  w.strs(t.kunit_failures);
  w.strs(t.log);
  w.pod(t.complete);
  return std::move(w.out);
}

RunResult decode_run(const std::string &bytes) {
  Reader rd(bytes);
  RunResult r;
  r.suite = rd.str();
  r.name = rd.str();
  r.status = rd.pod<RunStatus>();
  r.seeded = rd.pod<bool>();
  Trace &t = r.trace;
  t.descs.resize(rd.count(1));
  for (DescRange &d : t.descs) {
    d.name = rd.str();
    d.kind = rd.pod<DescKind>();
    d.base = rd.pod<uint64_t>();
    d.size = rd.pod<uint64_t>();
    d.live = rd.pod<bool>();
  }
  t.events.resize(rd.count(1));
  for (Event &e : t.events) e = get_event(rd);
  t.kunit_failures = rd.strs();
  t.log = rd.strs();
  t.complete = rd.pod<bool>();
  if (!rd.done()) throw std::runtime_error("run record: bytes after its end");
  return r;
}

}  // namespace smmu::harness
