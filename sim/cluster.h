/* cluster.h - runs across machines with Open MPI (built with `make MPI=1`).
 *
 * Every rank parses the same command and opens the same scenario; the
 * engine gives each rank its share of every round of trials (or design
 * points) and gathers their results on rank 0 in trial order, so the files
 * rank 0 writes are the bytes one process writes. Only rank 0 writes files
 * or prints. Without MPI these are no-ops for a single process. */
#ifndef SIM_CLUSTER_H
#define SIM_CLUSTER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

void sim_mpi_init(int *argc, char ***argv);
void sim_mpi_finalize(void);
int sim_mpi_rank(void);
int sim_mpi_size(void);
bool sim_mpi_root(void);
/* Stop every rank (after printing on this one's own stderr). */
_Noreturn void sim_mpi_abort(int code, const char *msg);
/* Rank 0's value to every rank. */
void sim_mpi_bcast_u64(uint64_t *v);
/* Collective: the lowest rank that says it failed, or -1 when none did. */
int sim_mpi_first_failed(bool failed);
/* Gather variable-length byte blocks on rank 0, in rank order: returns a
 * malloc'd concatenation (rank 0) and each rank's length in lens. */
char *sim_mpi_gather_bytes(const void *mine, size_t len, size_t *lens);
/* More than one rank. */
bool sim_mpi_enabled(void);
/* Whether this program was built with MPI (make MPI=1). */
bool sim_mpi_built(void);
/* How many processes a launcher (mpirun, srun) started as one job, read
 * from the environment it sets: 1 when started alone. */
long sim_mpi_launched(void);

#endif
