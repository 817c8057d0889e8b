/* checkpoint.c - see checkpoint.h. */
#define _GNU_SOURCE
#include "checkpoint.h"

#include "cluster.h"
#include "outdir.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MAGIC1 0x314b504d4349524bULL /* "RKICMPK1": no build recorded */
#define MAGIC 0x324b504d4349524bULL  /* "RKICMPK2": the build follows the head */
#define BUILD_LEN 64

/* The riskmc that wrote a checkpoint: another build (a git pull and make
 * between the kill and --resume) may compute other numbers, and a run
 * resumed with it would mix the two in one folder. */
static void this_build(char out[BUILD_LEN])
{
    memset(out, 0, BUILD_LEN);
    snprintf(out, BUILD_LEN, "%s %s", RISKMC_VERSION, RISKMC_COMMIT);
}

char *sim_checkpoint_path(const char *outdir)
{
    char *p = sim_strdup(outdir);
    size_t n = strlen(p);
    while (n > 1 && p[n - 1] == '/') p[--n] = '\0';
    char *slash = strrchr(p, '/');
    char *out = slash ? sim_asprintf("%.*s/.%s.checkpoint", (int)(slash - p), p, slash + 1)
                      : sim_asprintf(".%s.checkpoint", p);
    free(p);
    return out;
}

int sim_checkpoint_load(sim_checkpoint *cp, const char *path, uint64_t fingerprint, size_t width, sim_err *err)
{
    memset(cp, 0, sizeof *cp);
    FILE *f = fopen(path, "rb");
    if (!f) return 0;
    uint64_t head[4];
    char build[BUILD_LEN], mine[BUILD_LEN];
    this_build(mine);
    int rc = 1;
    const bool got = fread(head, sizeof head, 1, f) == 1;
    if (got && head[0] == MAGIC1)
        rc = sim_errf(err, "%s: a checkpoint of an older riskmc, which does not say which build made it, so this one "
                           "cannot resume it (allowed: resume with that riskmc, or delete it to start afresh)", path);
    else if (!got || head[0] != MAGIC || fread(build, sizeof build, 1, f) != 1 || build[BUILD_LEN - 1])
        rc = sim_errf(err, "%s: not a riskmc checkpoint (delete it to start afresh)", path);
    else if (memcmp(build, mine, BUILD_LEN) != 0)
        rc = sim_errf(err, "%s: a checkpoint made by riskmc %s, not by this riskmc %s, whose numbers may differ "
                           "(allowed: resume with that build, or delete it to start afresh)", path, build, mine);
    else if (head[1] != fingerprint || head[3] != width)
        rc = sim_errf(err, "%s: a checkpoint of another run (other scenario, seed or options, or the scenario "
                           "named by another path: --resume repeats the command as it was typed, which the manifest "
                           "records; delete it, or run with the options it was made with)", path);
    else if (width > 0 && head[2] > ((uint64_t)1 << 40) / width)
        rc = sim_errf(err, "%s: damaged checkpoint (%llu points done; delete it to start afresh)", path,
                      (unsigned long long)head[2]);
    else {
        cp->done = head[2];
        cp->width = width;
        cp->data = sim_malloc((cp->done * width + 1) * sizeof *cp->data);
        if (cp->done * width > 0 && fread(cp->data, sizeof *cp->data, cp->done * width, f) != cp->done * width)
            rc = sim_errf(err, "%s: checkpoint cut short (delete it to start afresh)", path);
    }
    fclose(f);
    if (rc < 0) sim_checkpoint_free(cp);
    else cp->path = sim_strdup(path), cp->fingerprint = fingerprint;
    return rc;
}

int sim_checkpoint_save(const char *path, uint64_t fingerprint, uint64_t done, size_t width, const double *data,
                        sim_err *err)
{
    if (!sim_mpi_root()) return 0;
    /* the folder the results will go to may not exist yet: the results
     * folder's commit would create it */
    const char *slash = strrchr(path, '/');
    if (slash && slash != path) {
        char *dir = sim_strndup(path, (size_t)(slash - path));
        int rc = sim_mkdirs(dir, err);
        free(dir);
        if (rc != 0) return -1;
    }
    char *tmp = sim_asprintf("%s.tmp-%ld", path, (long)getpid());
    FILE *f = fopen(tmp, "wb");
    if (!f) {
        sim_errf(err, "%s: cannot write: %s", tmp, strerror(errno));
        free(tmp);
        return -1;
    }
    uint64_t head[4] = {MAGIC, fingerprint, done, width};
    char build[BUILD_LEN];
    this_build(build);
    int bad = fwrite(head, sizeof head, 1, f) != 1 || fwrite(build, sizeof build, 1, f) != 1 ||
              (done * width > 0 && fwrite(data, sizeof *data, done * width, f) != done * width) || fflush(f) != 0;
    if (!bad) fsync(fileno(f));
    bad |= fclose(f) != 0;
    int rc = 0;
    if (bad || rename(tmp, path) != 0) {
        rc = sim_errf(err, "%s: cannot write the checkpoint: %s", path, strerror(errno));
        unlink(tmp);
    }
    free(tmp);
    return rc;
}

int sim_checkpoint_fresh(const char *path, bool resume, bool force, sim_err *err)
{
    /* rank 0 decides, as it reads the checkpoint on resuming: the ranks
     * need not share a file system */
    uint64_t kept = !resume && sim_mpi_root() && access(path, F_OK) == 0;
    sim_mpi_bcast_u64(&kept);
    if (!kept) return 0;
    if (force) {
        sim_checkpoint_remove(path);
        return 0;
    }
    return sim_errf(err, "%s: the checkpoint of an unfinished run to this folder (allowed: --resume to continue it, "
                         "or --force to start afresh)", path);
}

void sim_checkpoint_remove(const char *path)
{
    if (!sim_mpi_root()) return;
    unlink(path);
}

void sim_checkpoint_free(sim_checkpoint *cp)
{
    free(cp->path);
    free(cp->data);
    memset(cp, 0, sizeof *cp);
}
