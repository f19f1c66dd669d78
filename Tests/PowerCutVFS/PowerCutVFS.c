// A SQLite VFS for tests only that makes a power cut lose exactly what was not synced: see include/PowerCutVFS.h.
#define _GNU_SOURCE
#include "PowerCutVFS.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

// MARK: Undo logs

/// One record of an undo log: put `length` bytes back at `offset`, then cut the file to `old_size`; or, for a
/// creation, remove the file.
enum { RECORD_WRITE = 1, RECORD_CREATE = 2 };
static const uint32_t record_magic = 0x4a4b5043;  // "JKPC"

struct record_header {
    uint32_t magic;
    uint32_t type;
    int64_t offset;
    int64_t old_size;
    int64_t length;
};

/// A tracked file of this process: its path, the handles open on it, its undo log.
struct tracked {
    char *path;
    int handles;
    int undo;  // the undo log's descriptor (O_APPEND), or -1
    struct tracked *next;
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct tracked *tracked_files;
static char *prefix;
static sqlite3_vfs *base;
static sqlite3_vfs shim;
static int registered;
static long long operations;
static long long undone;
static long long cut_at;  // 0: never
static unsigned generation;
static long long dead_handles;  // handles opened before the last in-process cut and not closed yet

static char *undo_path(const char *path) {
    size_t length = strlen(path);
    char *result = malloc(length + sizeof("-powercut"));
    if (result) {
        memcpy(result, path, length);
        memcpy(result + length, "-powercut", sizeof("-powercut"));
    }
    return result;
}

static int write_all(int fd, const void *bytes, size_t length) {
    const char *data = bytes;
    while (length > 0) {
        ssize_t written = write(fd, data, length);
        if (written < 0) {
            if (errno == EINTR) continue;
            return -1;
        }
        data += written;
        length -= (size_t)written;
    }
    return 0;
}

static int pwrite_all(int fd, const void *bytes, size_t length, off_t offset) {
    const char *data = bytes;
    while (length > 0) {
        ssize_t written = pwrite(fd, data, length, offset);
        if (written < 0) {
            if (errno == EINTR) continue;
            return -1;
        }
        data += written;
        offset += written;
        length -= (size_t)written;
    }
    return 0;
}

/// Replays `path`'s undo log backwards and removes it. A record cut short at the log's end (the process died while
/// appending it, before the write it protects) is ignored. Called with `lock` held.
static long long discard_locked(const char *path) {
    char *log = undo_path(path);
    if (!log) return -1;
    int fd = open(log, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        free(log);
        return errno == ENOENT ? 0 : -1;
    }
    struct stat info;
    if (fstat(fd, &info) != 0) {
        close(fd);
        free(log);
        return -1;
    }
    size_t size = (size_t)info.st_size;
    char *bytes = size ? malloc(size) : NULL;
    size_t have = 0;
    while (bytes && have < size) {
        ssize_t got = read(fd, bytes + have, size - have);
        if (got < 0 && errno == EINTR) continue;
        if (got <= 0) break;
        have += (size_t)got;
    }
    close(fd);
    if (size && (!bytes || have != size)) {
        free(bytes);
        free(log);
        return -1;
    }
    // Index the complete records.
    size_t count = 0, capacity = 64;
    size_t *starts = malloc(capacity * sizeof(size_t));
    int created = 0;
    for (size_t at = 0; starts && at + sizeof(struct record_header) <= size;) {
        struct record_header header;
        memcpy(&header, bytes + at, sizeof header);
        if (header.magic != record_magic || header.length < 0) break;
        size_t end = at + sizeof header + (size_t)header.length;
        if (end > size) break;
        if (header.type == RECORD_CREATE) created = 1;
        if (count == capacity) {
            capacity *= 2;
            size_t *grown = realloc(starts, capacity * sizeof(size_t));
            if (!grown) break;
            starts = grown;
        }
        starts[count++] = at;
        at = end;
    }
    long long result = (long long)count;
    if (created) {
        // Made since its last sync: a power cut loses the file itself.
        if (unlink(path) != 0 && errno != ENOENT) result = -1;
    } else if (count > 0) {
        int file = open(path, O_RDWR | O_CLOEXEC);
        if (file < 0) {
            result = errno == ENOENT ? 0 : -1;
        } else {
            for (size_t index = count; index-- > 0;) {
                struct record_header header;
                memcpy(&header, bytes + starts[index], sizeof header);
                const char *old = bytes + starts[index] + sizeof header;
                if ((header.length > 0 && pwrite_all(file, old, (size_t)header.length, header.offset) != 0)
                    || ftruncate(file, header.old_size) != 0) {
                    result = -1;
                    break;
                }
            }
            close(file);
        }
    }
    free(starts);
    free(bytes);
    if (result >= 0) {
        unlink(log);
        undone += result;
    }
    free(log);
    return result;
}

static struct tracked *find(const char *path) {
    for (struct tracked *file = tracked_files; file; file = file->next) {
        if (strcmp(file->path, path) == 0) return file;
    }
    return NULL;
}

static int append_record(struct tracked *file, uint32_t type, int64_t offset, int64_t old_size, const void *old,
                         int64_t length) {
    if (file->undo < 0) return -1;
    struct record_header header = {record_magic, type, offset, old_size, length};
    char stack[sizeof header + 8192];
    if (length <= 8192) {
        memcpy(stack, &header, sizeof header);
        if (length > 0) memcpy(stack + sizeof header, old, (size_t)length);
        return write_all(file->undo, stack, sizeof header + (size_t)length);
    }
    char *buffer = malloc(sizeof header + (size_t)length);
    if (!buffer) return -1;
    memcpy(buffer, &header, sizeof header);
    memcpy(buffer + sizeof header, old, (size_t)length);
    int result = write_all(file->undo, buffer, sizeof header + (size_t)length);
    free(buffer);
    return result;
}

// MARK: Files

struct shim_file {
    sqlite3_file file;      // pMethods: the shim's methods
    struct tracked *tracked;  // NULL: passed straight through
    unsigned generation;    // the power's generation it was opened in
    sqlite3_file *real;     // the wrapped VFS's file, right after this struct
};

#define REAL(f) (((struct shim_file *)(f))->real)
#define DEAD(f) (((struct shim_file *)(f))->tracked && ((struct shim_file *)(f))->generation != generation)

/// Counts an operation on a tracked file and cuts the power at the chosen one. Called with `lock` held.
static void count_operation(const char *what, const char *path) {
    operations += 1;
    if (cut_at > 0 && operations >= cut_at) {
        fprintf(stderr, "jiekun-powercut: power cut before operation %lld (%s of %s)\n", operations, what, path);
        fflush(stderr);
        kill(getpid(), SIGKILL);
        for (;;) pause();
    }
}

static int shim_close(sqlite3_file *file) {
    struct shim_file *shim_file = (struct shim_file *)file;
    int rc = REAL(file)->pMethods ? REAL(file)->pMethods->xClose(REAL(file)) : SQLITE_OK;
    pthread_mutex_lock(&lock);
    struct tracked *tracked = shim_file->tracked;
    if (tracked && shim_file->generation != generation) {
        dead_handles -= 1;  // the power was cut under it: closing it writes nothing
    } else if (tracked) {
        tracked->handles -= 1;
        if (tracked->handles == 0) {
            // Closed cleanly: the operating system keeps what was written.
            if (tracked->undo >= 0) close(tracked->undo);
            tracked->undo = -1;
            char *log = undo_path(tracked->path);
            if (log) unlink(log);
            free(log);
        }
    }
    pthread_mutex_unlock(&lock);
    return rc;
}

static int shim_read(sqlite3_file *file, void *buffer, int amount, sqlite3_int64 offset) {
    if (DEAD(file)) return SQLITE_IOERR_READ;
    return REAL(file)->pMethods->xRead(REAL(file), buffer, amount, offset);
}

static int shim_write(sqlite3_file *file, const void *data, int amount, sqlite3_int64 offset) {
    struct shim_file *shim_file = (struct shim_file *)file;
    sqlite3_file *real = REAL(file);
    if (!shim_file->tracked) return real->pMethods->xWrite(real, data, amount, offset);
    pthread_mutex_lock(&lock);
    int rc;
    if (DEAD(file)) {
        rc = SQLITE_IOERR_WRITE;
    } else {
        count_operation("write", shim_file->tracked->path);
        sqlite3_int64 size = 0;
        rc = real->pMethods->xFileSize(real, &size);
        int64_t kept = offset < size ? (size - offset < amount ? size - offset : amount) : 0;
        char *old = kept > 0 ? malloc((size_t)kept) : NULL;
        if (rc == SQLITE_OK && kept > 0) {
            rc = old ? real->pMethods->xRead(real, old, (int)kept, offset) : SQLITE_IOERR_NOMEM;
        }
        if (rc == SQLITE_OK && append_record(shim_file->tracked, RECORD_WRITE, offset, size, old, kept) != 0) {
            rc = SQLITE_IOERR_WRITE;
        }
        free(old);
        if (rc == SQLITE_OK) rc = real->pMethods->xWrite(real, data, amount, offset);
    }
    pthread_mutex_unlock(&lock);
    return rc;
}

static int shim_truncate(sqlite3_file *file, sqlite3_int64 size) {
    struct shim_file *shim_file = (struct shim_file *)file;
    sqlite3_file *real = REAL(file);
    if (!shim_file->tracked) return real->pMethods->xTruncate(real, size);
    pthread_mutex_lock(&lock);
    int rc;
    if (DEAD(file)) {
        rc = SQLITE_IOERR_TRUNCATE;
    } else {
        count_operation("truncate", shim_file->tracked->path);
        sqlite3_int64 current = 0;
        rc = real->pMethods->xFileSize(real, &current);
        int64_t cut = current > size ? current - size : 0;
        char *old = cut > 0 ? malloc((size_t)cut) : NULL;
        if (rc == SQLITE_OK && cut > 0) rc = old ? real->pMethods->xRead(real, old, (int)cut, size) : SQLITE_IOERR_NOMEM;
        if (rc == SQLITE_OK && append_record(shim_file->tracked, RECORD_WRITE, size, current, old, cut) != 0) {
            rc = SQLITE_IOERR_TRUNCATE;
        }
        free(old);
        if (rc == SQLITE_OK) rc = real->pMethods->xTruncate(real, size);
    }
    pthread_mutex_unlock(&lock);
    return rc;
}

static int shim_sync(sqlite3_file *file, int flags) {
    struct shim_file *shim_file = (struct shim_file *)file;
    sqlite3_file *real = REAL(file);
    if (!shim_file->tracked) return real->pMethods->xSync(real, flags);
    pthread_mutex_lock(&lock);
    int rc;
    if (DEAD(file)) {
        rc = SQLITE_IOERR_FSYNC;
    } else {
        count_operation("sync", shim_file->tracked->path);
        rc = real->pMethods->xSync(real, flags);
        // On disk now, as it is: nothing of this file is left to lose.
        if (rc == SQLITE_OK && shim_file->tracked->undo >= 0 && ftruncate(shim_file->tracked->undo, 0) != 0) {
            rc = SQLITE_IOERR_FSYNC;
        }
    }
    pthread_mutex_unlock(&lock);
    return rc;
}

static int shim_file_size(sqlite3_file *file, sqlite3_int64 *size) {
    if (DEAD(file)) return SQLITE_IOERR_FSTAT;
    return REAL(file)->pMethods->xFileSize(REAL(file), size);
}

static int shim_lock(sqlite3_file *file, int level) { return REAL(file)->pMethods->xLock(REAL(file), level); }
static int shim_unlock(sqlite3_file *file, int level) { return REAL(file)->pMethods->xUnlock(REAL(file), level); }
static int shim_check_reserved_lock(sqlite3_file *file, int *result) {
    return REAL(file)->pMethods->xCheckReservedLock(REAL(file), result);
}
static int shim_file_control(sqlite3_file *file, int op, void *argument) {
    return REAL(file)->pMethods->xFileControl(REAL(file), op, argument);
}
static int shim_sector_size(sqlite3_file *file) { return REAL(file)->pMethods->xSectorSize(REAL(file)); }
static int shim_device_characteristics(sqlite3_file *file) {
    return REAL(file)->pMethods->xDeviceCharacteristics(REAL(file));
}
static int shim_shm_map(sqlite3_file *file, int page, int page_size, int extend, void volatile **pointer) {
    return REAL(file)->pMethods->xShmMap(REAL(file), page, page_size, extend, pointer);
}
static int shim_shm_lock(sqlite3_file *file, int offset, int count, int flags) {
    return REAL(file)->pMethods->xShmLock(REAL(file), offset, count, flags);
}
static void shim_shm_barrier(sqlite3_file *file) { REAL(file)->pMethods->xShmBarrier(REAL(file)); }
static int shim_shm_unmap(sqlite3_file *file, int delete_flag) {
    return REAL(file)->pMethods->xShmUnmap(REAL(file), delete_flag);
}
// Memory-mapped reads would bypass nothing (reads are the real file's), but a dead handle must not read at all.
static int shim_fetch(sqlite3_file *file, sqlite3_int64 offset, int amount, void **pointer) {
    if (DEAD(file)) {
        *pointer = NULL;
        return SQLITE_OK;
    }
    return REAL(file)->pMethods->xFetch(REAL(file), offset, amount, pointer);
}
static int shim_unfetch(sqlite3_file *file, sqlite3_int64 offset, void *pointer) {
    return REAL(file)->pMethods->xUnfetch(REAL(file), offset, pointer);
}

static sqlite3_io_methods shim_methods = {
    3,
    shim_close,
    shim_read,
    shim_write,
    shim_truncate,
    shim_sync,
    shim_file_size,
    shim_lock,
    shim_unlock,
    shim_check_reserved_lock,
    shim_file_control,
    shim_sector_size,
    shim_device_characteristics,
    shim_shm_map,
    shim_shm_lock,
    shim_shm_barrier,
    shim_shm_unmap,
    shim_fetch,
    shim_unfetch,
};

static int tracks(const char *path, int flags) {
    if (!path) return 0;
    if (!(flags & (SQLITE_OPEN_MAIN_DB | SQLITE_OPEN_MAIN_JOURNAL | SQLITE_OPEN_WAL))) return 0;
    return !prefix || strncmp(path, prefix, strlen(prefix)) == 0;
}

static int shim_open(sqlite3_vfs *vfs, sqlite3_filename path, sqlite3_file *file, int flags, int *out_flags) {
    (void)vfs;
    struct shim_file *shim_file = (struct shim_file *)file;
    shim_file->real = (sqlite3_file *)(shim_file + 1);
    shim_file->tracked = NULL;
    shim_file->file.pMethods = NULL;
    struct tracked *tracked = NULL;
    int created = 0;
    pthread_mutex_lock(&lock);
    if (tracks(path, flags)) {
        tracked = find(path);
        if (!tracked || tracked->handles == 0) {
            // The first handle of this process: power back on after a cut that left an undo log.
            if (flags & SQLITE_OPEN_MAIN_DB) {
                char sibling[4096];
                for (int index = 0; index < 3; index++) {
                    static const char *suffixes[] = {"", "-wal", "-journal"};
                    snprintf(sibling, sizeof sibling, "%s%s", path, suffixes[index]);
                    struct tracked *other = find(sibling);
                    if (!other || other->handles == 0) discard_locked(sibling);
                }
            } else {
                discard_locked(path);
            }
        }
        if (!tracked) {
            tracked = calloc(1, sizeof *tracked);
            if (tracked) tracked->path = strdup(path);
            if (!tracked || !tracked->path) {
                free(tracked);
                pthread_mutex_unlock(&lock);
                return SQLITE_NOMEM;
            }
            tracked->undo = -1;
            tracked->next = tracked_files;
            tracked_files = tracked;
        }
        created = access(path, F_OK) != 0;
    }
    int rc = base->xOpen(base, path, shim_file->real, flags, out_flags);
    if (rc == SQLITE_OK && tracked) {
        tracked->handles += 1;
        if (tracked->undo < 0) {
            char *log = undo_path(path);
            tracked->undo = log ? open(log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600) : -1;
            free(log);
        }
        if (created) append_record(tracked, RECORD_CREATE, 0, 0, NULL, 0);
        shim_file->tracked = tracked;
        shim_file->generation = generation;
    }
    pthread_mutex_unlock(&lock);
    if (shim_file->real->pMethods) shim_file->file.pMethods = &shim_methods;
    return rc;
}

static int shim_delete(sqlite3_vfs *vfs, const char *path, int sync_directory) {
    (void)vfs;
    pthread_mutex_lock(&lock);
    struct tracked *tracked = find(path);
    if (tracked && dead_handles > 0) {
        // A connection the power was cut under, closing: it deletes nothing (its WAL stays for recovery).
        pthread_mutex_unlock(&lock);
        return SQLITE_IOERR_DELETE;
    }
    int rc = base->xDelete(base, path, sync_directory);
    if (rc == SQLITE_OK && tracked) {
        // Gone: nothing of it is left to put back.
        if (tracked->undo >= 0 && ftruncate(tracked->undo, 0) != 0) rc = SQLITE_IOERR_DELETE;
        char *log = undo_path(path);
        if (log && tracked->handles == 0) unlink(log);
        free(log);
    }
    pthread_mutex_unlock(&lock);
    return rc;
}

static int shim_access(sqlite3_vfs *vfs, const char *path, int flags, int *result) {
    (void)vfs;
    return base->xAccess(base, path, flags, result);
}
static int shim_full_pathname(sqlite3_vfs *vfs, const char *path, int size, char *out) {
    (void)vfs;
    return base->xFullPathname(base, path, size, out);
}
static void *shim_dl_open(sqlite3_vfs *vfs, const char *path) {
    (void)vfs;
    return base->xDlOpen(base, path);
}
static void shim_dl_error(sqlite3_vfs *vfs, int size, char *message) {
    (void)vfs;
    base->xDlError(base, size, message);
}
static void (*shim_dl_sym(sqlite3_vfs *vfs, void *handle, const char *symbol))(void) {
    (void)vfs;
    return base->xDlSym(base, handle, symbol);
}
static void shim_dl_close(sqlite3_vfs *vfs, void *handle) {
    (void)vfs;
    base->xDlClose(base, handle);
}
static int shim_randomness(sqlite3_vfs *vfs, int size, char *out) {
    (void)vfs;
    return base->xRandomness(base, size, out);
}
static int shim_sleep(sqlite3_vfs *vfs, int microseconds) {
    (void)vfs;
    return base->xSleep(base, microseconds);
}
static int shim_current_time(sqlite3_vfs *vfs, double *now) {
    (void)vfs;
    return base->xCurrentTime(base, now);
}
static int shim_get_last_error(sqlite3_vfs *vfs, int size, char *message) {
    (void)vfs;
    return base->xGetLastError(base, size, message);
}
static int shim_current_time_int64(sqlite3_vfs *vfs, sqlite3_int64 *now) {
    (void)vfs;
    return base->xCurrentTimeInt64(base, now);
}

// MARK: The interface

int jiekun_powercut_register(const char *path_prefix, int make_default) {
    int rc = sqlite3_initialize();
    if (rc != SQLITE_OK) return rc;
    pthread_mutex_lock(&lock);
    free(prefix);
    prefix = path_prefix && *path_prefix ? strdup(path_prefix) : NULL;
    if (!registered) {
        base = sqlite3_vfs_find(NULL);
        if (!base || base->iVersion < 2) {
            pthread_mutex_unlock(&lock);
            return SQLITE_ERROR;
        }
        memset(&shim, 0, sizeof shim);
        shim.iVersion = 2;
        shim.szOsFile = (int)sizeof(struct shim_file) + base->szOsFile;
        shim.mxPathname = base->mxPathname;
        shim.zName = JIEKUN_POWERCUT_VFS_NAME;
        shim.xOpen = shim_open;
        shim.xDelete = shim_delete;
        shim.xAccess = shim_access;
        shim.xFullPathname = shim_full_pathname;
        shim.xDlOpen = shim_dl_open;
        shim.xDlError = shim_dl_error;
        shim.xDlSym = shim_dl_sym;
        shim.xDlClose = shim_dl_close;
        shim.xRandomness = shim_randomness;
        shim.xSleep = shim_sleep;
        shim.xCurrentTime = shim_current_time;
        shim.xGetLastError = shim_get_last_error;
        shim.xCurrentTimeInt64 = shim_current_time_int64;
        registered = 1;
    }
    pthread_mutex_unlock(&lock);
    return sqlite3_vfs_register(&shim, make_default);
}

int jiekun_powercut_unregister(void) {
    if (!registered) return SQLITE_OK;
    int rc = sqlite3_vfs_register(base, 1);
    return rc;
}

void jiekun_powercut_cut(void) {
    pthread_mutex_lock(&lock);
    generation += 1;
    for (struct tracked *file = tracked_files; file; file = file->next) {
        dead_handles += file->handles;
        file->handles = 0;
        if (file->undo >= 0) close(file->undo);
        file->undo = -1;
        discard_locked(file->path);
    }
    pthread_mutex_unlock(&lock);
}

long long jiekun_powercut_discard_unsynced(const char *path) {
    pthread_mutex_lock(&lock);
    long long result = discard_locked(path);
    pthread_mutex_unlock(&lock);
    return result;
}

long long jiekun_powercut_operations(void) {
    pthread_mutex_lock(&lock);
    long long result = operations;
    pthread_mutex_unlock(&lock);
    return result;
}

long long jiekun_powercut_undone(void) {
    pthread_mutex_lock(&lock);
    long long result = undone;
    pthread_mutex_unlock(&lock);
    return result;
}

/// A clean exit: the operating system keeps what was written, so no undo log is left behind.
static void clean_exit(void) {
    pthread_mutex_lock(&lock);
    for (struct tracked *file = tracked_files; file; file = file->next) {
        if (file->undo < 0) continue;
        close(file->undo);
        file->undo = -1;
        char *log = undo_path(file->path);
        if (log) unlink(log);
        free(log);
    }
    fprintf(stderr, "jiekun-powercut: %lld operations\n", operations);
    pthread_mutex_unlock(&lock);
}

/// In a process started with JIEKUN_POWERCUT_VFS=1 (LD_PRELOAD): the shim becomes the default VFS before `main`.
__attribute__((constructor)) static void load_from_environment(void) {
    const char *enabled = getenv("JIEKUN_POWERCUT_VFS");
    if (!enabled || strcmp(enabled, "1") != 0) return;
    const char *at = getenv("JIEKUN_POWERCUT_AT");
    if (at && *at) cut_at = atoll(at);
    if (jiekun_powercut_register(getenv("JIEKUN_POWERCUT_PREFIX"), 1) != SQLITE_OK) {
        fprintf(stderr, "jiekun-powercut: cannot register the VFS\n");
        _exit(70);
    }
    atexit(clean_exit);
    fprintf(stderr, "jiekun-powercut: the power-cut VFS is the default (cut at operation %lld)\n", cut_at);
}
