/* cluster.c - see cluster.h. */
#define _GNU_SOURCE
#include "cluster.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "outdir.h"
#include "progress.h"
#include "util.h"

long sim_mpi_launched(void)
{
    /* Open MPI's mpirun; MPICH's and Slurm's PMI; srun with PMIx */
    static const char *const V[] = {"OMPI_COMM_WORLD_SIZE", "PMI_SIZE", NULL};
    for (const char *const *v = V; *v; v++) {
        const char *x = getenv(*v);
        if (x && atol(x) > 1) return atol(x);
    }
    const char *steps = getenv("SLURM_STEP_NUM_TASKS");
    if (getenv("PMIX_RANK") && steps && atol(steps) > 1) return atol(steps);
    return 1;
}

bool sim_mpi_built(void)
{
#ifdef SIM_MPI
    return true;
#else
    return false;
#endif
}

#ifdef SIM_MPI
#include <mpi.h>

static int rank = 0, size = 1;
static int real_stderr = 2;

void sim_mpi_init(int *argc, char ***argv)
{
    int provided;
    MPI_Init_thread(argc, argv, MPI_THREAD_FUNNELED, &provided);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    if (rank != 0) {
        /* only rank 0 speaks; the others keep a way to report their own failure */
        real_stderr = dup(2);
        int null = open("/dev/null", O_WRONLY);
        dup2(null, 1);
        dup2(null, 2);
        close(null);
        sim_progress_quiet = true;
    }
}

void sim_mpi_finalize(void)
{
    MPI_Finalize();
}

int sim_mpi_rank(void)
{
    return rank;
}

int sim_mpi_size(void)
{
    return size;
}

bool sim_mpi_enabled(void)
{
    return size > 1;
}

_Noreturn void sim_mpi_abort(int code, const char *msg)
{
    if (msg) dprintf(real_stderr, "riskmc (rank %d of %d): %s\n", rank, size, msg);
    sim_outdir_remove_active(); /* MPI_Abort ends the process: no partial folder stays */
    MPI_Abort(MPI_COMM_WORLD, code);
    exit(code);
}

int sim_mpi_first_failed(bool failed)
{
    int mine = failed ? rank : size, first = mine;
    if (size > 1) MPI_Allreduce(&mine, &first, 1, MPI_INT, MPI_MIN, MPI_COMM_WORLD);
    return first < size ? first : -1;
}

void sim_mpi_bcast_u64(uint64_t *v)
{
    if (size > 1) MPI_Bcast(v, 1, MPI_UINT64_T, 0, MPI_COMM_WORLD);
}

char *sim_mpi_gather_bytes(const void *mine, size_t len, size_t *lens)
{
    unsigned long long l = len, *all = rank == 0 ? sim_calloc((size_t)size, sizeof *all) : NULL;
    MPI_Gather(&l, 1, MPI_UNSIGNED_LONG_LONG, all, 1, MPI_UNSIGNED_LONG_LONG, 0, MPI_COMM_WORLD);
    char *out = NULL;
    if (rank == 0) {
        size_t total = 0;
        for (int r = 0; r < size; r++) lens[r] = (size_t)all[r], total += lens[r];
        out = sim_malloc(total + 1);
        memcpy(out, mine, len);
        size_t at = len;
        for (int r = 1; r < size; r++) {
            /* in pieces: MPI counts are ints */
            for (size_t off = 0; off < lens[r];) {
                int n = (int)(lens[r] - off < (1u << 30) ? lens[r] - off : (1u << 30));
                MPI_Recv(out + at + off, n, MPI_BYTE, r, 7, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
                off += (size_t)n;
            }
            at += lens[r];
        }
        free(all);
    } else {
        for (size_t off = 0; off < len;) {
            int n = (int)(len - off < (1u << 30) ? len - off : (1u << 30));
            MPI_Send((const char *)mine + off, n, MPI_BYTE, 0, 7, MPI_COMM_WORLD);
            off += (size_t)n;
        }
    }
    return out;
}

#else

void sim_mpi_init(int *argc, char ***argv)
{
    (void)argc, (void)argv;
}

void sim_mpi_finalize(void) {}

int sim_mpi_rank(void)
{
    return 0;
}

int sim_mpi_size(void)
{
    return 1;
}

bool sim_mpi_enabled(void)
{
    return false;
}

_Noreturn void sim_mpi_abort(int code, const char *msg)
{
    if (msg) fprintf(stderr, "riskmc: %s\n", msg);
    exit(code);
}

void sim_mpi_bcast_u64(uint64_t *v)
{
    (void)v;
}

int sim_mpi_first_failed(bool failed)
{
    return failed ? 0 : -1;
}

char *sim_mpi_gather_bytes(const void *mine, size_t len, size_t *lens)
{
    lens[0] = len;
    char *out = sim_malloc(len + 1);
    memcpy(out, mine, len);
    return out;
}

#endif

bool sim_mpi_root(void)
{
    return sim_mpi_rank() == 0;
}
