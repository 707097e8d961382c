/*
 * worker.h - one worker process: accept, dispatch, reset, repeat.
 */
#ifndef KQ_WORKER_H
#define KQ_WORKER_H

/* Runs the accept loop on listen_fd until SIGTERM; returns the exit code. */
int	worker_main(const char *config_path, int listen_fd);

#endif
