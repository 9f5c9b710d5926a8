/* store_file.c - see store_file.h. */
#include "store_file.h"

#include <cjson/cJSON.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

const char *file_store_path(const char *option) {
  if (option && *option) return option;
  const char *env = getenv("FOREWARN_STORE");
  if (env && *env) return env;
  return ".forewarn/patterns.json";
}

/* mkdir -p of the folder holding path. */
static int make_parent(const char *path) {
  char dir[4096];
  snprintf(dir, sizeof dir, "%s", path);
  char *slash = strrchr(dir, '/');
  if (!slash || slash == dir) return 0;
  *slash = '\0';
  for (char *p = dir + 1; *p; p++) {
    if (*p != '/') continue;
    *p = '\0';
    if (mkdir(dir, 0755) != 0 && errno != EEXIST) return errno;
    *p = '/';
  }
  if (mkdir(dir, 0755) != 0 && errno != EEXIST) return errno;
  return 0;
}

int lock_path(const char *path, bool exclusive) {
  int e = make_parent(path);
  if (e && exclusive) {
    fprintf(stderr, "forewarn: cannot create the folder of %s: %s\n", path, strerror(e));
    return -1;
  }
  char lock[4200];
  snprintf(lock, sizeof lock, "%s.lock", path);
  int fd = open(lock, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0 && !exclusive) fd = open(lock, O_RDONLY | O_CLOEXEC);
  if (fd < 0 && !exclusive && (errno == EACCES || errno == EPERM || errno == EROFS || errno == ENOENT))
    return LOCK_NONE; /* a read-only folder: writers replace the file by rename, so a reader
                         without the lock still sees one whole version */
  if (fd < 0) {
    fprintf(stderr, "forewarn: cannot open lock file %s: %s\n", lock, strerror(errno));
    return -1;
  }
  while (flock(fd, exclusive ? LOCK_EX : LOCK_SH) != 0) {
    if (errno == EINTR) continue;
    fprintf(stderr, "forewarn: cannot lock %s: %s\n", lock, strerror(errno));
    close(fd);
    return -1;
  }
  return fd;
}

/* The file a store path names, symlinks followed (at most 16): the lock and the atomic rename act
 * on the target, so the link stays a link and every name of one store shares one lock. A dangling
 * link names the file it points to (a new store there). 0 or errno. */
static int resolve_links(const char *path, char *out, size_t cap) {
  char cur[4096], target[4096];
  snprintf(cur, sizeof cur, "%s", path);
  for (int hops = 0;; hops++) {
    struct stat st;
    if (lstat(cur, &st) != 0 || !S_ISLNK(st.st_mode)) break;
    if (hops == 16) return ELOOP;
    ssize_t n = readlink(cur, target, sizeof target - 1);
    if (n < 0) return errno;
    target[n] = '\0';
    char *slash = strrchr(cur, '/');
    if (target[0] == '/' || !slash) {
      snprintf(cur, sizeof cur, "%s", target);
    } else {
      char joined[8200];
      snprintf(joined, sizeof joined, "%.*s/%s", (int)(slash - cur), cur, target);
      if (strlen(joined) >= sizeof cur) return ENAMETOOLONG;
      snprintf(cur, sizeof cur, "%s", joined);
    }
  }
  if (strlen(cur) >= cap) return ENAMETOOLONG;
  snprintf(out, cap, "%s", cur);
  return 0;
}

int atomic_write(const char *path, const char *data, size_t len) {
  char tmp[4200];
  snprintf(tmp, sizeof tmp, "%s.tmp.%ld", path, (long)getpid());
  int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return errno;
  size_t off = 0;
  while (off < len) {
    ssize_t n = write(fd, data + off, len - off);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      int e = n < 0 ? errno : EIO;
      close(fd);
      unlink(tmp);
      return e;
    }
    off += (size_t)n;
  }
  if (fsync(fd) != 0 || close(fd) != 0) {
    int e = errno;
    unlink(tmp);
    return e;
  }
  if (rename(tmp, path) != 0) {
    int e = errno;
    unlink(tmp);
    return e;
  }
  /* the rename itself must reach the disk */
  char dir[4096];
  snprintf(dir, sizeof dir, "%s", path);
  char *slash = strrchr(dir, '/');
  if (slash) *slash = '\0';
  int dfd = open(slash ? dir : ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd >= 0) {
    fsync(dfd);
    close(dfd);
  }
  return 0;
}

int file_store_open(const char *path, bool write, file_store *fs) {
  memset(fs, 0, sizeof *fs);
  fs->lock_fd = -1;
  int e = resolve_links(path, fs->path, sizeof fs->path);
  if (e) {
    fprintf(stderr, "forewarn: cannot follow the store path %s: %s\n", path, strerror(e));
    return EXIT_RUNTIME;
  }
  fw_error err;
  if (fw_store_new(&fs->mem, &err) != FW_OK) {
    cli_report("store", &err);
    return EXIT_RUNTIME;
  }
  fs->lock_fd = lock_path(fs->path, write);
  if (fs->lock_fd == -1) {
    file_store_close(fs);
    return EXIT_RUNTIME;
  }
  struct stat st;
  if (stat(fs->path, &st) != 0) {
    if (errno == ENOENT) return EXIT_OK; /* a new store */
    fprintf(stderr, "forewarn: cannot read store %s: %s\n", fs->path, strerror(errno));
    file_store_close(fs);
    return EXIT_RUNTIME;
  }
  const char *why = !S_ISREG(st.st_mode) ? "is not a regular file"
                    : st.st_size == 0 ? "is empty (0 bytes), not a store document: remove it to start a new store"
                    : write && !(st.st_mode & (S_IWUSR | S_IWGRP | S_IWOTH)) ? "is read-only: it can be read, not changed"
                    : NULL;
  if (why) {
    fprintf(stderr, "forewarn: store %s %s; it was left as it is\n", fs->path, why);
    file_store_close(fs);
    return EXIT_RUNTIME;
  }
  char *text;
  size_t len;
  int rc = cli_read_file(fs->path, (size_t)1 << 34, &text, &len);
  if (rc) {
    file_store_close(fs);
    return EXIT_RUNTIME;
  }
  fw_status s = fw_store_load(fs->mem, text, len, &err);
  free(text);
  if (s != FW_OK) {
    fprintf(stderr, "forewarn: store %s is corrupt (%s); it was left as it is\n", fs->path, err.message);
    file_store_close(fs);
    return EXIT_RUNTIME;
  }
  return EXIT_OK;
}

/* Temp files of writers killed mid-save. Only a lock holder writes one, so while we hold the
 * exclusive lock every PATH.tmp.* is stale. */
static void remove_stale_temps(const char *path) {
  char dir[4096];
  snprintf(dir, sizeof dir, "%s", path);
  char *slash = strrchr(dir, '/');
  const char *base = slash ? slash + 1 : path;
  if (slash) *slash = '\0';
  char prefix[4200];
  snprintf(prefix, sizeof prefix, "%s.tmp.", base);
  DIR *d = opendir(slash ? dir : ".");
  if (!d) return;
  struct dirent *e;
  while ((e = readdir(d)) != NULL) {
    if (strncmp(e->d_name, prefix, strlen(prefix)) != 0) continue;
    char full[8400];
    snprintf(full, sizeof full, "%s/%s", slash ? dir : ".", e->d_name);
    unlink(full);
  }
  closedir(d);
}

int file_store_save(file_store *fs) {
  remove_stale_temps(fs->path);
  char *json = NULL;
  fw_error err;
  if (fw_store_to_json(fs->mem, &json, &err) != FW_OK) {
    cli_report("store", &err);
    return EXIT_RUNTIME;
  }
  int e = atomic_write(fs->path, json, strlen(json));
  fw_free(json);
  if (e) {
    fprintf(stderr, "forewarn: cannot write store %s: %s (the previous version is intact)\n", fs->path, strerror(e));
    return EXIT_RUNTIME;
  }
  return EXIT_OK;
}

void file_store_close(file_store *fs) {
  fw_store_free(fs->mem);
  fs->mem = NULL;
  if (fs->lock_fd >= 0) close(fs->lock_fd); /* releases the lock */
  fs->lock_fd = -1;
}

/* Errors of the file layer were printed where they happened; the core's err gets a summary. */
static fw_status open_for(const char *path, bool write, file_store *fs, fw_error *err) {
  int rc = file_store_open(path, write, fs);
  if (rc == EXIT_OK) return FW_OK;
  if (err) {
    err->code = FW_ERR_ARG;
    snprintf(err->message, sizeof err->message, "store %s could not be opened", path);
  }
  return FW_ERR_ARG;
}

static fw_status f_get(void *self, const char *id, char **out, fw_error *err) {
  file_store fs;
  fw_status st = open_for(self, false, &fs, err);
  if (st == FW_OK) st = fw_store_get(fs.mem, id, out, err);
  file_store_close(&fs);
  return st;
}

/* The FeedbackProcessingResult says whether the run was seen before (nothing to write then). */
static bool already_ingested(const char *result) {
  cJSON *r = cJSON_Parse(result);
  bool again = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(r, "already_ingested"));
  cJSON_Delete(r);
  return again;
}

static fw_status f_apply(void *self, const char *cs, size_t len, char **out, fw_error *err) {
  file_store fs;
  fw_status st = open_for(self, true, &fs, err);
  if (st == FW_OK) st = fw_store_apply(fs.mem, cs, len, out, err);
  /* a run seen before changed nothing: the file is not rewritten */
  if (st == FW_OK && !already_ingested(*out) && file_store_save(&fs) != EXIT_OK) {
    fw_free(*out);
    *out = NULL;
    st = FW_ERR_ARG;
    if (err) snprintf(err->message, sizeof err->message, "store %s could not be written", (const char *)self);
  }
  file_store_close(&fs);
  return st;
}

static fw_status f_query(void *self, const char *q, size_t len, char **out, fw_error *err) {
  file_store fs;
  fw_status st = open_for(self, false, &fs, err);
  if (st == FW_OK) st = fw_store_query(fs.mem, q, len, out, err);
  file_store_close(&fs);
  return st;
}

static fw_status f_list(void *self, bool unclassified, char **out, fw_error *err) {
  file_store fs;
  fw_status st = open_for(self, false, &fs, err);
  if (st == FW_OK) st = fw_store_list(fs.mem, unclassified, out, err);
  file_store_close(&fs);
  return st;
}

static fw_status f_stats(void *self, char **out, fw_error *err) {
  file_store fs;
  fw_status st = open_for(self, false, &fs, err);
  if (st == FW_OK) st = fw_store_stats(fs.mem, out, err);
  file_store_close(&fs);
  return st;
}

static const fw_store_methods methods = {FW_STORE_METHODS_VERSION, "file", f_get, f_apply, f_query, f_list, f_stats};

const fw_store_methods *file_store_methods(void) { return &methods; }
