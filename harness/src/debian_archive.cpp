#include "debian_archive.h"

#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>

#include "file_lock.h"
#include "kernel_tree.h"
#include "subprocess.h"

namespace fs = std::filesystem;

namespace smmu::harness {
namespace {

const char *kDefaultKeyring = "/usr/share/keyrings/debian-archive-keyring.gpg";

struct AptSource {
  std::string uri;
  std::vector<std::string> suites;
  std::string keyring;
};

std::vector<std::string> words(const std::string &s) {
  std::istringstream in(s);
  std::vector<std::string> w;
  for (std::string x; in >> x;) w.push_back(x);
  return w;
}

// "deb [signed-by=/k.gpg arch=amd64] URI SUITE COMPONENT..."
void parse_one_line(const fs::path &file, std::vector<AptSource> &out) {
  std::ifstream in(file);
  std::string line;
  static const std::regex entry(R"(^\s*deb\s+(\[([^\]]*)\]\s+)?(\S+)\s+(\S+))");
  while (std::getline(in, line)) {
    std::smatch m;
    if (!std::regex_search(line, m, entry)) continue;
    AptSource s{m[3], {m[4]}, ""};
    for (const auto &opt : words(m[2]))
      if (opt.rfind("signed-by=", 0) == 0) s.keyring = opt.substr(10);
    out.push_back(s);
  }
}

// deb822 paragraphs: Types, URIs, Suites, Signed-By (a path), Enabled.
void parse_deb822(const fs::path &file, std::vector<AptSource> &out) {
  std::ifstream in(file);
  std::map<std::string, std::string> fields;
  std::string last;
  auto flush = [&] {
    auto types = words(fields["types"]);
    bool deb = std::find(types.begin(), types.end(), "deb") != types.end();
    if (deb && fields["enabled"] != "no")
      for (const auto &uri : words(fields["uris"])) {
        std::string key = fields["signed-by"];
        bool path = !key.empty() && key.find('\n') == std::string::npos && key[0] == '/';
        out.push_back({uri, words(fields["suites"]), path ? key : ""});
      }
    fields.clear();
  };
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line.find_first_not_of(" \t") == std::string::npos) {
      flush();
      continue;
    }
    if (line[0] == '#') continue;
    if (line[0] == ' ' || line[0] == '\t') {  // continuation (an inline key)
      fields[last] += "\n" + line;
      continue;
    }
    auto colon = line.find(':');
    if (colon == std::string::npos) continue;
    last = line.substr(0, colon);
    std::transform(last.begin(), last.end(), last.begin(), ::tolower);
    std::string value = line.substr(colon + 1);
    value.erase(0, value.find_first_not_of(" \t"));
    fields[last] = value;
  }
  flush();
}

std::vector<AptSource> system_sources() {
  std::vector<AptSource> all;
  const fs::path etc = "/etc/apt";
  std::error_code ec;
  if (fs::exists(etc / "sources.list", ec)) parse_one_line(etc / "sources.list", all);
  std::vector<fs::path> parts;
  for (auto &e : fs::directory_iterator(etc / "sources.list.d", ec)) parts.push_back(e.path());
  std::sort(parts.begin(), parts.end());
  for (const auto &p : parts) {
    if (p.extension() == ".list") parse_one_line(p, all);
    if (p.extension() == ".sources") parse_deb822(p, all);
  }
  return all;
}

// The last path component of a URI: "debian" for the archive, "debian-security".
std::string archive_of(std::string uri) {
  while (!uri.empty() && uri.back() == '/') uri.pop_back();
  return uri.substr(uri.find_last_of('/') + 1);
}

std::string quoted(const fs::path &p) { return "\"" + p.string() + "\""; }

}  // namespace

const std::vector<std::string> &extra_kernel_suites() {
  static const std::vector<std::string> suites = {"trixie-backports", "sid"};
  return suites;
}

std::string DebianArchive::sources_list() {
  std::ostringstream out;
  std::set<std::string> written;
  for (const auto &s : system_sources()) {
    std::string archive = archive_of(s.uri);
    if (archive != "debian" && archive != "debian-security") continue;
    std::vector<std::string> suites = s.suites;
    if (archive == "debian")
      for (const auto &x : extra_kernel_suites()) suites.push_back(x);
    std::string keyring = s.keyring.empty() ? kDefaultKeyring : s.keyring;
    for (const auto &suite : suites) {
      std::string line = "deb [signed-by=" + keyring + "] " + s.uri + " " + suite + " main";
      if (written.insert(line).second) out << line << "\n";
    }
  }
  return out.str();
}

DebianArchive::DebianArchive(fs::path dir, std::function<void(const std::string &)> progress)
    : dir_(std::move(dir)), progress_(std::move(progress)) {}

void DebianArchive::write_config() {
  for (const char *d : {"lists/partial", "archives/partial", "cache", "sources.list.d", "preferences.d"})
    fs::create_directories(dir_ / d);
  std::string sources = sources_list();
  if (sources.empty())
    throw UserError("fetching kernel sources needs a Debian mirror in the system's apt sources "
                    "(/etc/apt/sources.list or sources.list.d), and none was found");
  std::ofstream(dir_ / "sources.list") << sources;
  std::ofstream(dir_ / "status", std::ios::app);  // empty: nothing is installed here
  std::ofstream conf(dir_ / "apt.conf");
  conf << "Dir::Etc::SourceList " << quoted(dir_ / "sources.list") << ";\n"
       << "Dir::Etc::SourceParts " << quoted(dir_ / "sources.list.d") << ";\n"
       << "Dir::Etc::Preferences " << quoted(dir_ / "preferences") << ";\n"
       << "Dir::Etc::PreferencesParts " << quoted(dir_ / "preferences.d") << ";\n"
       << "Dir::State::Lists " << quoted(dir_ / "lists") << ";\n"
       << "Dir::State::status " << quoted(dir_ / "status") << ";\n"
       << "Dir::Cache " << quoted(dir_ / "cache") << ";\n"
       << "Dir::Cache::Archives " << quoted(dir_ / "archives") << ";\n"
       << "Acquire::Languages \"none\";\n"
       // apt's _apt user cannot write into a user's cache; the files are still verified.
       << "APT::Sandbox::User \"" << (geteuid() == 0 ? "root" : "_apt") << "\";\n";
}

std::vector<std::string> DebianArchive::apt(const std::string &tool) const {
  return {tool, "-c", (dir_ / "apt.conf").string(), "-q"};
}

void DebianArchive::update() {
  write_config();
  if (progress_) progress_("updating the package lists of Debian's archive (private apt configuration in " +
                           dir_.string() + ")");
  auto cmd = apt("apt-get");
  cmd.push_back("update");
  ProcessResult r = run_process(cmd);
  if (r.status != 0)
    throw UserError("apt-get update with the private configuration " + (dir_ / "apt.conf").string() +
                    " failed:\n" + r.output.substr(0, 3000));
  std::ofstream(dir_ / ".updated") << "\n";
}

std::vector<SourcePackage> DebianArchive::versions(const std::string &series, bool refresh) {
  FileLock lock(dir_.parent_path() / ".lock-apt");
  if (refresh || !fs::exists(dir_ / ".updated")) update();
  auto cmd = apt("apt-cache");
  cmd.insert(cmd.end(), {"policy", "linux-source-" + series});
  ProcessResult r = run_process(cmd);
  if (r.status != 0) throw UserError("apt-cache policy failed:\n" + r.output.substr(0, 2000));
  // The version table, newest first: "     7.2.13-1 500" then "        500 URI sid/main all Packages".
  std::vector<SourcePackage> out;
  static const std::regex version_line(R"(^\s+(?:\*\*\* )?(\S+) -?\d+$)");
  static const std::regex origin_line(R"(^\s+-?\d+ \S+ ([^/\s]+)/)");
  std::istringstream in(r.output);
  std::string line;
  bool table = false;
  while (std::getline(in, line)) {
    std::smatch m;
    if (line.find("Version table:") != std::string::npos) table = true;
    else if (table && std::regex_match(line, m, version_line)) out.push_back({series, m[1], ""});
    else if (table && !out.empty() && out.back().suite.empty() && std::regex_search(line, m, origin_line))
      out.back().suite = m[1];
  }
  return out;
}

SourcePackage DebianArchive::pick(const std::string &series, const std::string &wanted) {
  for (bool refresh : {false, true}) {
    auto all = versions(series, refresh);
    for (const auto &p : all)
      if (wanted.empty() || p.debian_version == wanted || p.debian_version.rfind(wanted + "-", 0) == 0)
        return p;
    if (refresh) {
      std::string have;
      for (const auto &p : all) have += (have.empty() ? "" : ", ") + p.debian_version;
      std::string suites;
      for (const auto &s : extra_kernel_suites()) suites += ", " + s;
      throw UserError("Debian's archive has no linux-source-" + series + (wanted.empty() ? "" : " " + wanted) +
                      " in the system's suites" + suites + (have.empty() ? "" : " (it has " + have + ")"));
    }
  }
  throw UserError("unreachable");
}

fs::path DebianArchive::fetch_tarball(const SourcePackage &p, const fs::path &dest_dir) {
  FileLock lock(dir_.parent_path() / ".lock-apt");
  write_config();
  fs::path work = dir_ / "download";
  fs::remove_all(work);
  fs::create_directories(work);
  if (progress_)
    progress_("fetching linux-source-" + p.series + " " + p.debian_version +
              (p.suite.empty() ? "" : " (" + p.suite + ")") + " from Debian's archive (about 170 MB)");
  auto cmd = apt("apt-get");
  cmd.insert(cmd.end(), {"download", "linux-source-" + p.series + "=" + p.debian_version});
  ProcessResult r = run_process(cmd, work.string());
  fs::path deb;
  for (auto &e : fs::directory_iterator(work))
    if (e.path().extension() == ".deb") deb = e.path();
  if (r.status != 0 || deb.empty())
    throw UserError("apt-get download linux-source-" + p.series + "=" + p.debian_version + " failed:\n" +
                    r.output.substr(0, 3000));
  if (progress_) progress_("unpacking " + deb.filename().string());
  ProcessResult x = run_process({"dpkg-deb", "-x", deb.string(), (work / "root").string()});
  fs::path tarball = work / "root" / "usr" / "src" / ("linux-source-" + p.series + ".tar.xz");
  if (x.status != 0 || !fs::exists(tarball))
    throw UserError("unpacking " + deb.string() + " gave no usr/src/linux-source-" + p.series + ".tar.xz:\n" +
                    x.output.substr(0, 2000));
  fs::create_directories(dest_dir);
  fs::path out = dest_dir / tarball.filename();
  fs::rename(tarball, out);
  fs::remove_all(work);
  return out;
}

}  // namespace smmu::harness
