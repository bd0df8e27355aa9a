#include "report/external_tool.h"

#include <fcntl.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

extern char** environ;

namespace ferry::report {
namespace fs = std::filesystem;
namespace {

bool IsExecutable(const std::string& p) {
  struct stat st;
  return ::stat(p.c_str(), &st) == 0 && S_ISREG(st.st_mode) && ::access(p.c_str(), X_OK) == 0;
}

// A temporary file, removed on destruction. stdin/stdout/stderr of the child go through
// files rather than pipes: no deadlock when the child writes more than a pipe holds before
// it has read all of its input.
class TempFile {
 public:
  TempFile() {
    std::string tmpl = (fs::temp_directory_path() / "ferry-tool-XXXXXX").string();
    int fd = ::mkstemp(tmpl.data());
    if (fd >= 0) {
      ::close(fd);
      path_ = tmpl;
    }
  }
  ~TempFile() {
    if (!path_.empty()) ::unlink(path_.c_str());
  }
  const std::string& path() const { return path_; }
  bool ok() const { return !path_.empty(); }

 private:
  std::string path_;
};

std::string Slurp(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  std::ostringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

}  // namespace

StatusOr<std::string> FindProgram(const std::string& program, const std::string& package) {
  const std::string hint = "install it: apt-get install " + package;
  if (program.find('/') != std::string::npos) {
    if (IsExecutable(program)) return program;
    return NotFound("'" + program + "' is not an executable file (" + hint + ")");
  }
  const char* path = std::getenv("PATH");
  std::stringstream dirs(path ? path : "");
  std::string dir;
  while (std::getline(dirs, dir, ':')) {
    if (dir.empty()) continue;
    const std::string candidate = dir + "/" + program;
    if (IsExecutable(candidate)) return candidate;
  }
  return NotFound("'" + program + "' not found in PATH (" + hint + ")");
}

StatusOr<std::string> RunProgram(const std::vector<std::string>& argv, const std::string& input,
                                 const std::string& package) {
  if (argv.empty()) return InvalidArgument("RunProgram: empty command");
  FERRY_ASSIGN_OR_RETURN(std::string exe, FindProgram(argv[0], package));
  TempFile in, out, err;
  if (!in.ok() || !out.ok() || !err.ok())
    return Internal("cannot create temporary files for '" + argv[0] + "': " + std::strerror(errno));
  {
    std::ofstream f(in.path(), std::ios::binary);
    f.write(input.data(), static_cast<std::streamsize>(input.size()));
    if (!f) return Internal("cannot write '" + in.path() + "'");
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, in.path().c_str(), O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 1, out.path().c_str(), O_WRONLY | O_TRUNC, 0);
  posix_spawn_file_actions_addopen(&actions, 2, err.path().c_str(), O_WRONLY | O_TRUNC, 0);
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  pid_t pid = 0;
  const int rc = ::posix_spawn(&pid, exe.c_str(), &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) return Internal("cannot start '" + exe + "': " + std::strerror(rc));
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) return Internal("waiting for '" + exe + "': " + std::strerror(errno));
  }
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    std::string msg = Slurp(err.path());
    if (msg.size() > 400) msg.resize(400);
    for (char& c : msg)
      if (c == '\n') c = ' ';
    const std::string how = WIFEXITED(status)
                                ? "exited with " + std::to_string(WEXITSTATUS(status))
                                : "was killed by signal " + std::to_string(WTERMSIG(status));
    return InvalidArgument("'" + argv[0] + "' " + how + (msg.empty() ? "" : ": " + msg));
  }
  return Slurp(out.path());
}

}  // namespace ferry::report
