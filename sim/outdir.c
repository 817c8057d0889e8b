/* outdir.c - see outdir.h. */
#define _GNU_SOURCE
#include "outdir.h"

#include "cluster.h"
#include "engine.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

const char *volatile sim_outdir_active = NULL;

void sim_outdir_remove_active(void)
{
    const char *dir = sim_outdir_active;
    if (!dir) return;
    /* a results folder holds files only: unlink each, then the folder
     * (open, getdents64, unlinkat, rmdir are async-signal-safe; opendir and
     * nftw are not) */
    _Alignas(struct dirent64) char buf[4096];
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return;
    for (;;) {
        long n = syscall(SYS_getdents64, fd, buf, sizeof buf);
        if (n <= 0) break;
        for (long off = 0; off < n;) {
            const struct dirent64 *de = (const struct dirent64 *)(buf + off);
            if (de->d_reclen == 0) break;
            off += de->d_reclen;
            const char *nm = de->d_name;
            if (!(nm[0] == '.' && (nm[1] == 0 || (nm[1] == '.' && nm[2] == 0))) && unlinkat(fd, nm, 0) != 0 &&
                errno == EISDIR)
                unlinkat(fd, nm, AT_REMOVEDIR); /* an empty one; a run writes no folders */
        }
    }
    close(fd);
    rmdir(dir);
}

int sim_folder_hold(const char *path)
{
    return open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
}

bool sim_folder_same(int fd, const char *path)
{
    struct stat a, b;
    if (fd < 0) return true;
    return fstat(fd, &a) == 0 && stat(path, &b) == 0 && a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st, (void)flag, (void)ftw;
    return remove(path) != 0 && errno != ENOENT ? -1 : 0;
}

int sim_rmtree(const char *path)
{
    return nftw(path, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

int sim_mkdirs(const char *path, sim_err *err)
{
    char *p = sim_strdup(path);
    for (char *s = p + 1; *s; s++) {
        if (*s != '/') continue;
        *s = '\0';
        if (mkdir(p, 0777) != 0 && errno != EEXIST) {
            sim_errf(err, "%s: cannot create folder: %s", p, strerror(errno));
            free(p);
            return -1;
        }
        *s = '/';
    }
    int rc = 0;
    if (mkdir(p, 0777) != 0 && errno != EEXIST) rc = sim_errf(err, "%s: cannot create folder: %s", p, strerror(errno));
    free(p);
    return rc;
}

static void split(const char *path, char **dir, char **base)
{
    char *p = sim_strdup(path);
    size_t n = strlen(p);
    while (n > 1 && p[n - 1] == '/') p[--n] = '\0';
    char *slash = strrchr(p, '/');
    if (!slash) {
        *dir = sim_strdup(".");
        *base = p;
        return;
    }
    *base = sim_strdup(slash + 1);
    *slash = '\0';
    *dir = sim_strdup(*p ? p : "/");
    free(p);
}

/* This machine's name, for temporary folders on a file system that
 * several machines share. */
static const char *host_name(void)
{
    static char h[65];
    if (!h[0] && (gethostname(h, sizeof h - 1) != 0 || !h[0])) snprintf(h, sizeof h, "localhost");
    for (char *p = h; *p; p++)
        if (*p == '/') *p = '_';
    return h;
}

/* Remove ".NAME.tmp-HOST-PID-XXXXXX" folders of this machine whose writer
 * is gone (a process id means nothing on another machine): those of any
 * results folder beside the one being written, so that a run killed
 * outright (SIGKILL, or mpirun's forced stop) leaves nothing for long. A
 * writer holds a lock on its folder while it lives: a process id that looks
 * dead (a writer in another PID namespace) is not enough. */
static void clean_stale(const char *dir, const char *base)
{
    DIR *d = opendir(dir);
    if (!d) return;
    char *mark = sim_asprintf(".tmp-%s-", host_name());
    struct dirent *de;
    while ((de = readdir(d))) {
        const char *at = de->d_name[0] == '.' ? strstr(de->d_name + 1, mark) : NULL;
        if (!at || at == de->d_name + 1) continue;
        char *end;
        long pid = strtol(at + strlen(mark), &end, 10);
        if (pid <= 0 || *end != '-' || strlen(end + 1) != 6) continue;
        if (kill((pid_t)pid, 0) == 0 || errno == EPERM) continue;
        char *path = sim_asprintf("%s/%s", dir, de->d_name);
        /* another folder's, made in the last minute, may not hold its
         * writer's lock yet (mkdtemp, then flock) */
        const bool own = !strncmp(de->d_name + 1, base, strlen(base)) && at == de->d_name + 1 + strlen(base);
        struct stat st;
        if (lstat(path, &st) != 0 || (!own && st.st_mtime > time(NULL) - 60)) {
            free(path);
            continue;
        }
        const int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (fd >= 0 && flock(fd, LOCK_EX | LOCK_NB) == 0) sim_rmtree(path);
        if (fd >= 0) close(fd);
        free(path);
    }
    free(mark);
    closedir(d);
}

/* Is name one of the comma-separated names of list? */
static bool listed(const char *list, const char *name)
{
    const size_t n = strlen(name);
    for (const char *p = list; *p;) {
        while (*p == ' ' || *p == ',') p++;
        const char *e = p;
        while (*e && *e != ',') e++;
        const char *t = e;
        while (t > p && t[-1] == ' ') t--;
        if ((size_t)(t - p) == n && n && strncmp(p, name, n) == 0) return true;
        p = e;
    }
    return false;
}

/* Does path read as a riskmc manifest, a [run] section with riskmc_version
 * and files (read from its first 64 KiB)? Its list of files into files. */
static bool riskmc_manifest(const char *path, char *files, size_t nfiles)
{
    FILE *f = fopen(path, "r");
    if (!f) return false;
    char line[8192];
    bool in_run = false, version = false;
    files[0] = '\0';
    for (size_t read = 0; read < 65536 && fgets(line, sizeof line, f); read += strlen(line)) {
        line[strcspn(line, "\r\n")] = '\0';
        if (line[0] == '[') in_run = strcmp(line, "[run]") == 0;
        else if (in_run && strncmp(line, "riskmc_version = ", 17) == 0) version = true;
        else if (in_run && strncmp(line, "files = ", 8) == 0) snprintf(files, nfiles, "%s", line + 8);
    }
    fclose(f);
    return version && files[0];
}

/* The first entry of folder path (other than . and ..) that accept(path,
 * name, its lstat, u) refuses: 1 and its name in *what (unless accept has
 * put a name there already), 0 when every entry is accepted, -1 when the
 * folder cannot be read. */
typedef bool accept_fn(const char *path, const char *name, const struct stat *st, void *u);

static int first_refused(const char *path, accept_fn *accept, void *u, char *what, size_t nwhat)
{
    DIR *d = opendir(path);
    if (!d) return -1;
    struct dirent *de;
    int found = 0;
    what[0] = '\0';
    while (!found && (de = readdir(d))) {
        if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, "..")) continue;
        char *q = sim_asprintf("%s/%s", path, de->d_name);
        struct stat st;
        found = lstat(q, &st) != 0 || !accept(path, de->d_name, &st, u);
        if (found && !*what) snprintf(what, nwhat, "%s", de->d_name);
        free(q);
    }
    closedir(d);
    return found;
}

static bool accept_none(const char *path, const char *name, const struct stat *st, void *u)
{
    (void)path, (void)name, (void)st, (void)u;
    return false;
}

/* A chart riskmc draws: a regular file *.png, *.svg or *.pdf named as
 * sim/plot.c names its charts (a file of the user's, e.g. notes.pdf, is
 * not one). A new kind of chart in plot.c needs its name here: e2e redraws
 * every kind of folder to check. */
static bool accept_chart(const char *path, const char *name, const struct stat *st, void *u)
{
    (void)path, (void)u;
    static const char *const KINDS[] = {"fan-",     "histogram-", "exceedance-", "bars-",    "sweep-", "heatmap-",
                                        "compare-", "sobol-",     "tornado.",    "spider.", "morris."};
    const char *dot = strrchr(name, '.');
    if (!S_ISREG(st->st_mode) || !dot || (strcmp(dot, ".png") && strcmp(dot, ".svg") && strcmp(dot, ".pdf")))
        return false;
    for (size_t i = 0; i < sizeof KINDS / sizeof *KINDS; i++)
        if (sim_starts_with(name, KINDS[i])) return true;
    return false;
}

/* What a results folder may hold besides its manifest's files: the brief
 * (report.md, report.html), the charts/ folder of `riskmc plot` (charts
 * only), and what a killed plot or report left (.charts.tmp-HOST-PID-XXXXXX,
 * .report.md.tmp-PID). */
typedef struct resultsctx {
    const char *files; /* the manifest's list */
    char *what;
    size_t nwhat;
} resultsctx;

/* Whether folder path/name holds charts only; else c->what names the first other file. */
static bool charts_only(const char *path, const char *name, resultsctx *c)
{
    char *dir = sim_asprintf("%s/%s", path, name), inner[256] = "";
    const int r = first_refused(dir, accept_chart, NULL, inner, sizeof inner);
    free(dir);
    if (r != 0) snprintf(c->what, c->nwhat, "%s/%s", name, r < 0 ? "(unreadable)" : inner);
    return r == 0;
}

static bool accept_result(const char *path, const char *name, const struct stat *st, void *u)
{
    resultsctx *c = u;
    /* a killed report's brief, a killed plot's charts (and only charts) */
    if (S_ISREG(st->st_mode) && (sim_starts_with(name, ".report.md.tmp-") || sim_starts_with(name, ".report.html.tmp-")))
        return true;
    if (S_ISDIR(st->st_mode) && sim_starts_with(name, ".charts.tmp-")) return charts_only(path, name, c);
    if (S_ISREG(st->st_mode))
        return !strcmp(name, "manifest.ini") || !strcmp(name, "report.md") || !strcmp(name, "report.html") ||
               listed(c->files, name);
    return S_ISDIR(st->st_mode) && !strcmp(name, "charts") && charts_only(path, name, c);
}

/* A results folder riskmc wrote: its manifest.ini is riskmc's (a [run]
 * section with riskmc_version and files), and it holds nothing else than
 * accept_result allows. Anything else is somebody else's, which --force must
 * not delete: *what names it (or the missing manifest). */
static bool results_folder(const char *path, char *what, size_t nwhat)
{
    char *m = sim_asprintf("%s/manifest.ini", path);
    char files[8192];
    struct stat st;
    const bool ours = lstat(m, &st) == 0 && S_ISREG(st.st_mode) && riskmc_manifest(m, files, sizeof files);
    free(m);
    if (!ours) {
        snprintf(what, nwhat, "no riskmc manifest.ini");
        return false;
    }
    resultsctx c = {files, what, nwhat};
    const int r = first_refused(path, accept_result, &c, what, nwhat);
    if (r < 0) snprintf(what, nwhat, "a folder riskmc cannot read");
    return r == 0;
}

#define MAX_BASE 160 /* bytes of a results folder's name */

/* path made absolute without symbolic links: each existing folder on the
 * way resolved, the part that does not exist yet taken as written ("." and
 * ".." applied by name, which is right where nothing is a link). */
static char *resolved(const char *path)
{
    char *cur = realpath(path[0] == '/' ? "/" : ".", NULL);
    if (!cur) return NULL;
    char *copy = sim_strdup(path), *save = NULL;
    for (char *comp = strtok_r(copy, "/", &save); comp; comp = strtok_r(NULL, "/", &save)) {
        if (!strcmp(comp, ".")) continue;
        char *next;
        if (!strcmp(comp, "..")) {
            next = sim_strdup(cur);
            char *slash = strrchr(next, '/');
            if (slash) *(slash == next ? slash + 1 : slash) = 0;
        } else {
            next = sim_asprintf("%s%s%s", cur, strcmp(cur, "/") ? "/" : "", comp);
            char *r = realpath(next, NULL);
            if (r) free(next), next = r;
        }
        free(cur);
        cur = next;
    }
    free(copy);
    return cur;
}

char *sim_outdir_results_host(const char *path)
{
    /* the folder and every folder above it (a charts/ folder's is its own) */
    char *p = resolved(path);
    char files[4096];
    for (char *end = p ? p + strlen(p) : NULL; end; end = strrchr(p, '/')) {
        *end = 0;
        char *m = sim_asprintf("%s/manifest.ini", *p ? p : "");
        struct stat st;
        const bool ours = lstat(m, &st) == 0 && S_ISREG(st.st_mode) && riskmc_manifest(m, files, sizeof files);
        free(m);
        if (ours) return *p ? p : (free(p), sim_strdup("/"));
        if (!*p) break;
    }
    free(p);
    return NULL;
}

int sim_outdir_check(const char *final, int mode, sim_err *err)
{
    struct stat st;
    if (!sim_mpi_root()) return 0;
    /* a folder riskmc can create or replace has a name of its own */
    char *dir, *base;
    split(final, &dir, &base);
    char *path = sim_asprintf("%s/%s", dir, base); /* without trailing slashes: lstat sees a link as a link */
    const bool named = *base && strcmp(base, ".") != 0 && strcmp(base, "..") != 0 && strcmp(base, "/") != 0;
    const size_t blen = strlen(base);
    free(base);
    int rc = 0, found;
    char what[300] = "";
    if (!named)
        rc = sim_errf(err, "'%s': not a folder riskmc can write its results into (allowed: a folder name, e.g. -o "
                           "results/my-run)", final);
    else if (blen > MAX_BASE) /* the temporary folder beside it, .NAME.tmp-HOST-PID-XXXXXX, must fit in 255 bytes */
        rc = sim_errf(err, "%s: a folder name of %zu bytes (allowed: at most %d)", final, blen, MAX_BASE);
    else if (lstat(path, &st) != 0)
        rc = 0; /* a new folder */
    else if (S_ISLNK(st.st_mode))
        rc = sim_errf(err, "%s: is a symbolic link, which riskmc does not write through or replace (allowed: the "
                           "folder it points to, a new folder, or -o DIR)", final);
    else if (!S_ISDIR(st.st_mode))
        rc = sim_errf(err, "%s: exists and is not a folder (allowed: a new folder, or -o DIR)", final);
    else if ((found = first_refused(path, accept_none, NULL, what, sizeof what)) < 0)
        rc = sim_errf(err, "%s: cannot read the folder: %s", final, strerror(errno));
    else if (!found)
        rc = 0; /* an empty folder */
    else if (mode == SIM_OUTDIR_CHARTS) {
        /* the charts folder is remade whole: it must hold charts only */
        if (first_refused(path, accept_chart, NULL, what, sizeof what) != 0)
            rc = sim_errf(err, "%s: holds %s, which riskmc did not draw, so riskmc will not remake the folder "
                               "(allowed: move it out of the charts folder)", final, what);
    } else if (!results_folder(path, what, sizeof what))
        rc = sim_errf(err,
                      "%s: not a riskmc results folder (it holds %s%s), so riskmc will not replace it, even with "
                      "--force (allowed: a new or empty folder, or -o DIR)",
                      final, strcmp(what, "no riskmc manifest.ini") ? "something riskmc did not write: " : "", what);
    else if (mode != SIM_OUTDIR_REPLACE)
        rc = sim_errf(err, "%s: already holds results (allowed: --force to replace them, or -o DIR)", final);
    if (rc == 0 && mode != SIM_OUTDIR_CHARTS) {
        /* results inside another run's folder (or its charts/) would be
         * lost or in the way when that folder is replaced */
        char *host = sim_outdir_results_host(dir);
        if (host)
            rc = sim_errf(err, "%s: inside the results folder %s (allowed: a folder of its own, e.g. results/NAME)",
                          final, host);
        free(host);
    }
    if (rc == 0) {
        /* the results are written beside the folder: the nearest folder
         * that exists above it must take new entries (checked before a long
         * run, not after it) */
        struct stat ds;
        while (lstat(dir, &ds) != 0) { /* the nearest entry that exists (a dangling link is one) */
            char *slash = strrchr(dir, '/');
            if (!slash) {
                free(dir);
                dir = sim_strdup(".");
                break;
            }
            *(slash == dir ? slash + 1 : slash) = 0;
        }
        if (stat(dir, &ds) != 0 || !S_ISDIR(ds.st_mode))
            rc = sim_errf(err, "%s: cannot write into %s: %s (allowed: -o DIR in a folder you can write)", final, dir,
                          S_ISLNK(ds.st_mode) ? "a symbolic link to nothing" : "not a folder");
        else if (access(dir, W_OK | X_OK) != 0)
            rc = sim_errf(err, "%s: cannot write into %s: %s (allowed: -o DIR in a folder you can write)", final, dir,
                          strerror(errno));
    }
    free(dir);
    free(path);
    return rc;
}

static void unlock(sim_outdir *od)
{
    if (od->lock) close(od->lock - 1); /* releases the flock */
    od->lock = 0;
}

int sim_outdir_begin(sim_outdir *od, const char *final, int mode, sim_err *err)
{
    memset(od, 0, sizeof *od);
    if (!sim_mpi_root()) {
        /* under MPI only rank 0 writes: the others write into nothing */
        od->final = sim_strdup(final);
        od->tmp = sim_strdup("/dev/null");
        return 0;
    }
    if (sim_outdir_check(final, mode, err) != 0) return -1;
    char *dir, *base;
    split(final, &dir, &base);
    if (sim_mkdirs(dir, err) != 0) {
        free(dir), free(base);
        return -1;
    }
    clean_stale(dir, base);
    char *tmpl = sim_asprintf("%s/.%s.tmp-%s-%ld-XXXXXX", dir, base, host_name(), (long)getpid());
    free(dir), free(base);
    if (!mkdtemp(tmpl)) {
        sim_errf(err, "%s: cannot create a temporary folder: %s", tmpl, strerror(errno));
        free(tmpl);
        return -1;
    }
    chmod(tmpl, 0755);
    const int fd = open(tmpl, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd >= 0 && flock(fd, LOCK_EX | LOCK_NB) == 0) od->lock = fd + 1;
    else if (fd >= 0) close(fd);
    od->final = sim_strdup(final);
    od->tmp = tmpl;
    od->force = mode != SIM_OUTDIR_NEW;
    od->mode = mode;
    sim_outdir_active = od->tmp;
    /* interrupted before the folder was active: the handler could not
     * remove it, so do it here (after this, the handler can) */
    if (sim_interrupted) {
        sim_outdir_remove_active();
        sim_outdir_active = NULL;
        unlock(od);
        free(od->final), free(od->tmp);
        od->final = od->tmp = NULL;
        return sim_errf(err, "interrupted");
    }
    return 0;
}

char *sim_outdir_path(const sim_outdir *od, const char *name)
{
    return sim_asprintf("%s/%s", od->tmp, name);
}

FILE *sim_outdir_open(const sim_outdir *od, const char *name, sim_err *err)
{
    if (!sim_mpi_root()) return fopen("/dev/null", "w");
    char *path = sim_outdir_path(od, name);
    FILE *f = fopen(path, "w");
    if (!f) sim_errf(err, "%s: cannot write: %s", path, strerror(errno));
    free(path);
    return f;
}

/* Start writing fd's data to the disk in the background. Advice only: an
 * error shows at the fsync that follows. */
static void start_write(int fd)
{
    sync_file_range(fd, 0, 0, SYNC_FILE_RANGE_WRITE);
}

/* Flush and close f; fsync it first (now), or only start its write to the
 * disk (later: the folder's commit syncs it). */
static int close_file(FILE *f, const char *name, bool now, bool results, sim_err *err)
{
    int bad = fflush(f) != 0 || ferror(f);
    if (!bad && now) bad = fsync(fileno(f)) != 0;
    else if (!bad) start_write(fileno(f));
    int e = errno;
    if (fclose(f) != 0) bad = 1, e = errno;
    if (bad) return sim_errf(err, results ? SIM_WRITE_FAILED : "%s: write failed: %s", name, strerror(e));
    return 0;
}

int sim_outdir_finish(sim_outdir_pending *p, FILE *f, const char *name, sim_err *err)
{
    memset(p, 0, sizeof *p);
    p->f = f, p->name = name;
    if (fflush(f) != 0 || ferror(f)) {
        int e = errno;
        fclose(f);
        p->f = NULL;
        return sim_errf(err, SIM_WRITE_FAILED, name, strerror(e));
    }
    if (!sim_mpi_root()) return 0; /* other ranks write to /dev/null */
    p->cb.aio_fildes = fileno(f);
    if (aio_fsync(O_SYNC, &p->cb) == 0) p->syncing = true;
    else start_write(fileno(f)); /* no background sync to be had: the commit syncs it */
    return 0;
}

int sim_outdir_finished(sim_outdir_pending *p, sim_err *err)
{
    if (!p->f) return 0;
    int rc = 0, e = 0;
    if (p->syncing) {
        const struct aiocb *list[1] = {&p->cb};
        int status;
        while ((status = aio_error(&p->cb)) == EINPROGRESS) aio_suspend(list, 1, NULL);
        if (aio_return(&p->cb) != 0) rc = -1, e = status;
    }
    if (fclose(p->f) != 0 && !rc) rc = -1, e = errno;
    p->f = NULL;
    if (rc) return sim_errf(err, SIM_WRITE_FAILED, p->name, strerror(e));
    return 0;
}

/* path (relative to the folder dfd, or AT_FDCWD) whole from b (on rank 0
 * only), synced now or at the commit (results: a file of a results folder
 * not yet committed); shown names it in messages */
static int write_whole(int dfd, const char *path, const char *shown, const sim_buf *b, bool sync_now, bool results,
                       sim_err *err)
{
    if (!sim_mpi_root()) return 0; /* under MPI only rank 0 writes */
    const int fd = openat(dfd, path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
    FILE *f = fd < 0 ? NULL : fdopen(fd, "w");
    if (!f) {
        const int e = errno;
        if (fd >= 0) close(fd);
        return sim_errf(err, "%s: cannot write: %s", shown, strerror(e));
    }
    if (b->len) fwrite(b->s, 1, b->len, f);
    return close_file(f, shown, sync_now, results, err);
}

int sim_write_file(const char *dir, const char *name, const sim_buf *b, sim_err *err)
{
    char *path = sim_asprintf("%s/%s", dir, name);
    const int rc = write_whole(AT_FDCWD, path, path, b, true, false, err);
    free(path);
    return rc;
}

int sim_write_file_at(int dfd, const char *path, const char *shown, const sim_buf *b, sim_err *err)
{
    return write_whole(dfd, path, shown, b, true, false, err);
}

int sim_outdir_write(const sim_outdir *od, const char *name, const sim_buf *b, sim_err *err)
{
    /* a failure names the file by the folder it was to be (the temporary
     * one is gone by the time the message is read) */
    char *path = sim_asprintf("%s/%s", od->tmp, name), *shown = sim_asprintf("%s/%s", od->final, name);
    const int rc = write_whole(AT_FDCWD, path, shown, b, false, true, err);
    free(path), free(shown);
    return rc;
}

/* fsync every file and folder of a finished temporary folder: by then most
 * of the data is on its way (each file's write started as it closed, and
 * sim_outdir_finish synced the largest), so the files' writes overlap the
 * work between them. A failure here (a full disk found late) is a write
 * failure of that file. */
static sim_err *sync_err;
static const char *sync_tmp, *sync_final; /* a failed file is named by the folder it was to be */

static int sync_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st, (void)ftw;
    if (flag != FTW_F && flag != FTW_DP) return 0;
    int fd = open(path, O_RDONLY | (flag == FTW_DP ? O_DIRECTORY : 0));
    int rc = fd < 0 || fsync(fd) != 0 ? -1 : 0;
    int e = errno;
    if (fd >= 0) close(fd);
    if (rc) {
        const size_t n = strlen(sync_tmp);
        const bool inside = !strncmp(path, sync_tmp, n) && (path[n] == '/' || !path[n]);
        char *shown = inside ? sim_asprintf("%s%s", sync_final, path + n) : sim_strdup(path);
        sim_errf(sync_err, SIM_WRITE_FAILED, shown, strerror(e));
        free(shown);
    }
    return rc;
}

static int sync_tree(const char *path, const char *final, sim_err *err)
{
    sim_err mine;
    sync_err = err ? err : &mine;
    sync_tmp = path, sync_final = final;
    return nftw(path, sync_one, 16, FTW_DEPTH | FTW_PHYS) != 0 ? -1 : 0;
}

void sim_outdir_writeback(FILE *f, long *mark)
{
    long at = ftell(f);
    if (at < 0 || at - *mark < (1L << 20)) return;
    if (fflush(f) == 0) start_write(fileno(f));
    *mark = at;
}

static void sync_dir(const char *path)
{
    int fd = open(path, O_RDONLY | O_DIRECTORY);
    if (fd >= 0) {
        fsync(fd);
        close(fd);
    }
}

int sim_outdir_commit(sim_outdir *od, sim_err *err)
{
    if (!sim_mpi_root()) {
        unlock(od);
        free(od->tmp), free(od->final);
        memset(od, 0, sizeof *od);
        return 0;
    }
    if (sync_tree(od->tmp, od->final, err) != 0) return -1;
    /* complete now: a signal from here on must not remove it (nor, after
     * the exchange below, the old results at its name, or the new ones
     * half moved into place) */
    sim_outdir_active = NULL;
    struct stat st;
    int rc = 0;
    if (lstat(od->final, &st) == 0) {
        if (!od->force) {
            /* only an empty folder may be taken without --force: rename
             * replaces one atomically and refuses one with files */
            if (rename(od->tmp, od->final) != 0)
                rc = errno == ENOTEMPTY || errno == EEXIST
                         ? sim_errf(err, "%s: appeared while the run was going (allowed: --force to replace it)",
                                    od->final)
                         : sim_errf(err, "%s: cannot move results into place: %s", od->final, strerror(errno));
        } else if (sim_outdir_check(od->final, od->mode, err) != 0) {
            rc = -1; /* something riskmc did not write appeared there during the run */
        } else if (renameat2(AT_FDCWD, od->tmp, AT_FDCWD, od->final, RENAME_EXCHANGE) == 0) {
            /* the old results now sit at the temporary name */
            sim_rmtree(od->tmp);
        } else {
            /* no atomic exchange on this file system: move the old folder
             * aside first, then the new one in */
            char *old = sim_asprintf("%s.old", od->tmp);
            if (rename(od->final, old) != 0 || rename(od->tmp, od->final) != 0)
                rc = sim_errf(err, "%s: cannot replace: %s", od->final, strerror(errno));
            else
                sim_rmtree(old);
            free(old);
        }
    } else if (rename(od->tmp, od->final) != 0) {
        rc = sim_errf(err, "%s: cannot move results into place: %s", od->final, strerror(errno));
    }
    if (rc == 0) {
        char *dir, *base;
        split(od->final, &dir, &base);
        sync_dir(dir);
        free(dir), free(base);
        sim_outdir_active = NULL;
        unlock(od);
        free(od->tmp), free(od->final);
        memset(od, 0, sizeof *od);
    }
    return rc;
}

void sim_outdir_abort(sim_outdir *od)
{
    if (od->tmp && sim_mpi_root()) sim_rmtree(od->tmp);
    sim_outdir_active = NULL;
    unlock(od);
    free(od->tmp), free(od->final);
    memset(od, 0, sizeof *od);
}
