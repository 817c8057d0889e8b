/* outdir.h - results folders written atomically.
 *
 * Files are written into a hidden temporary folder beside the destination
 * and the folder is renamed into place only when every file is complete, so
 * a run killed at any moment leaves the previous results or none, never a
 * partial folder. An existing results folder is replaced only when asked
 * (--force), by an atomic exchange; a folder riskmc did not write never is.
 * Temporary folders (.NAME.tmp-HOST-PID-XXXXXX) left by killed runs are
 * removed by the next run on the same machine that writes beside them. */
#ifndef SIM_OUTDIR_H
#define SIM_OUTDIR_H

#include <aio.h>
#include <stdbool.h>
#include <stdio.h>

#include "util.h"

typedef struct sim_outdir {
    char *final;  /* where the results go */
    char *tmp;    /* where they are written meanwhile */
    bool force;
    int mode;     /* SIM_OUTDIR_* */
    int lock;     /* 1 + a descriptor of tmp holding flock(LOCK_EX) while it is written, or 0 */
} sim_outdir;

/* What may be done to a destination that exists already. An empty folder
 * is always taken; a folder with files is replaced only with
 * SIM_OUTDIR_REPLACE and only when it is a results folder (its manifest.ini
 * is riskmc's, and it holds nothing but what that manifest lists, the brief
 * and charts/), so that --force never deletes anything riskmc did not
 * write. SIM_OUTDIR_CHARTS: the charts folder inside a results folder,
 * which is always remade. */
enum { SIM_OUTDIR_NEW = 0, SIM_OUTDIR_REPLACE = 1, SIM_OUTDIR_CHARTS = 2 };
/* The mode of a results folder given --force or not. */
static inline int sim_outdir_mode(bool force)
{
    return force ? SIM_OUTDIR_REPLACE : SIM_OUTDIR_NEW;
}
/* Check the destination against mode (above), as sim_outdir_begin will:
 * for commands that compute long before they write, so that they fail
 * first. 0 on ranks other than 0. */
int sim_outdir_check(const char *final, int mode, sim_err *err);
/* Is folder path a riskmc results folder (its manifest.ini riskmc's) or the
 * charts/ of one? Then that results folder, malloc'd; else NULL. */
char *sim_outdir_results_host(const char *path);
/* Check the destination against mode (above) and create the temporary
 * folder. */
int sim_outdir_begin(sim_outdir *od, const char *final, int mode, sim_err *err);
/* Path of a file inside the temporary folder (malloc'd). */
char *sim_outdir_path(const sim_outdir *od, const char *name);
/* Open a file for writing in the temporary folder. */
FILE *sim_outdir_open(const sim_outdir *od, const char *name, sim_err *err);
/* For a file of the temporary folder: flush it and start its fsync in the
 * background (POSIX aio_fsync) while the caller goes on; sim_outdir_finished
 * waits for it, closes the file and reports a write failure (a full disk
 * found late). The commit then finds the file already on the disk. */
typedef struct sim_outdir_pending {
    FILE *f;
    const char *name;
    struct aiocb cb;
    bool syncing;
} sim_outdir_pending;
/* The message of a failed write into a folder not yet committed: the
 * file's name, why, and that nothing was replaced. */
#define SIM_WRITE_FAILED "%s: write failed: %s (no results written; an earlier folder there is untouched)"
int sim_outdir_finish(sim_outdir_pending *p, FILE *f, const char *name, sim_err *err);
int sim_outdir_finished(sim_outdir_pending *p, sim_err *err);
/* Write dir/name whole from b and sync it (on rank 0 only). */
int sim_write_file(const char *dir, const char *name, const sim_buf *b, sim_err *err);
/* The same for path relative to the folder dfd (held open; AT_FDCWD: the
 * working folder), named shown in messages. */
int sim_write_file_at(int dfd, const char *path, const char *shown, const sim_buf *b, sim_err *err);
/* Write the file `name` of the temporary folder from b (synced at the commit). */
int sim_outdir_write(const sim_outdir *od, const char *name, const sim_buf *b, sim_err *err);
/* Start writing to disk, in the background, what has been written to f so
 * far when that has grown by a MiB or more since *mark (the fsync at the
 * commit then has little left to wait for). */
void sim_outdir_writeback(FILE *f, long *mark);
/* Sync every file of the finished folder, then move it into place. */
int sim_outdir_commit(sim_outdir *od, sim_err *err);
/* Remove the temporary folder (after an error or an interrupt). */
void sim_outdir_abort(sim_outdir *od);
/* Remove a folder tree. */
int sim_rmtree(const char *path);
/* Create a folder and its parents. */
int sim_mkdirs(const char *path, sim_err *err);

/* A results folder held open while it is read and briefed or charted, so
 * that one replaced meanwhile (run --force) is noticed rather than given
 * the old run's brief or charts: sim_folder_hold opens it (-1 when it
 * cannot, and nothing is checked), sim_folder_same tells whether path is
 * still that folder. */
int sim_folder_hold(const char *path);
bool sim_folder_same(int fd, const char *path);
/* The message of a folder replaced while it was read. */
#define SIM_FOLDER_REPLACED "%s: replaced by another run while riskmc read it, so nothing was written into the new one (allowed: run the command again)"

/* The folder currently being written, for signal handlers to remove. */
extern const char *volatile sim_outdir_active;
/* Remove the temporary folder being written (its files, then it), with
 * system calls alone, so that a signal handler may call it. */
void sim_outdir_remove_active(void);

#endif
