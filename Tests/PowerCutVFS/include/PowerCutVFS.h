// A SQLite VFS for tests only: a power cut that loses exactly what was not yet synced (as SQLite's own crash tests
// do). Never linked into a service: the tests load it into a service process with LD_PRELOAD
// (libPowerCutVFS.so, product `PowerCutVFS`), or call it in their own process.
//
// It wraps the default ("unix") VFS. Every write or truncation of a store's files (main database, WAL, rollback
// journal) first saves what it overwrites in an undo log beside the file (`<file>-powercut`); an xSync of the file
// empties its undo log, since the disk now holds the file as it is. A power cut is a process that ends without
// closing its files (SIGKILL, taken by the shim itself at a chosen operation): replaying the undo logs backwards
// then puts every file back as it stood at its last xSync — what a disk holds after losing power — and a file
// created since its last sync is removed. Reads are the real file's, so what the process sees is unchanged.
//
// In a process started with LD_PRELOAD=…/libPowerCutVFS.so:
//   JIEKUN_POWERCUT_VFS=1     registers the shim as the default VFS for every main database, WAL and journal;
//   JIEKUN_POWERCUT_AT=N      the process kills itself (SIGKILL) just before its N-th write, truncation or sync of
//                             such a file, after one line on standard error naming the operation and the file.
// A clean exit keeps everything written (the operating system would write it back): the undo logs are removed.
#ifndef JIEKUN_POWERCUT_VFS_H
#define JIEKUN_POWERCUT_VFS_H

#ifdef __cplusplus
extern "C" {
#endif

/// The shim's VFS name.
#define JIEKUN_POWERCUT_VFS_NAME "jiekun-powercut"

/// Registers the shim over the current default VFS, as the default when `make_default` is non-zero. Only files
/// whose path starts with `path_prefix` (all when NULL or empty) are tracked; others pass straight through.
/// Returns SQLITE_OK or a SQLite error code. Registering again only changes the prefix.
int jiekun_powercut_register(const char *path_prefix, int make_default);

/// Gives the default VFS back to the one the shim wraps (files opened through the shim keep working).
int jiekun_powercut_unregister(void);

/// Cuts the power in this process: every file handle the shim opened so far goes dead (reads, writes and syncs
/// fail, nothing more reaches the disk, closing it writes nothing), and every tracked file is put back as it stood
/// at its last sync. Files opened afterwards work again (the power is back).
void jiekun_powercut_cut(void);

/// Puts one file back as it stood at its last sync by its undo log, if it has one (power back on after a process
/// was killed), and removes the log. Returns the number of operations undone, or -1 on an error (errno set).
long long jiekun_powercut_discard_unsynced(const char *path);

/// The writes, truncations and syncs of tracked files done by the shim in this process so far.
long long jiekun_powercut_operations(void);

/// The operations undone by every power cut and discard of this process so far.
long long jiekun_powercut_undone(void);

#ifdef __cplusplus
}
#endif

#endif
