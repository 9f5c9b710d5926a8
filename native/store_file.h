/*
 * store_file.h - the embedded default store: one JSON document per store, read and written
 * under an advisory lock (flock on PATH.lock), replaced crash-safely (temp file, fsync, rename,
 * fsync of the folder). A killed writer leaves the old or the new document, never a torn one.
 */
#ifndef FW_STORE_FILE_H
#define FW_STORE_FILE_H

#include "cli.h"

typedef struct file_store {
  char path[4096];
  int lock_fd;
  fw_store *mem;
} file_store;

/* Where the store lives: --store, else FOREWARN_STORE, else .forewarn/patterns.json. */
const char *file_store_path(const char *option);

/* Open and lock (exclusive for writers, shared for readers), then load. A symlink is followed to
 * its target. A missing file is an empty store; a 0-byte, corrupt or (for writers) read-only one
 * is an error and is left untouched. Returns an exit code. */
int file_store_open(const char *path, bool write, file_store *fs);

/* Write the store document atomically. Returns an exit code. */
int file_store_save(file_store *fs);

void file_store_close(file_store *fs);

/* The file store behind the core's store interface (fw_store_methods): `self` is the path; each
 * call opens the document under its lock (exclusive for apply), and apply saves atomically. */
const fw_store_methods *file_store_methods(void);

/* Write data to path atomically (temp + fsync + rename + fsync dir). 0 or errno. */
int atomic_write(const char *path, const char *data, size_t len);

/* Hold an advisory lock on PATH.lock (exclusive, or shared for readers); returns the fd, -1 on
 * failure (message printed), or LOCK_NONE for a reader in a read-only folder (no lock needed:
 * writers replace the file by rename). */
#define LOCK_NONE (-2)
int lock_path(const char *path, bool exclusive);

#endif
