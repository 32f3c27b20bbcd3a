/* upkeep: what a worker does now and then besides answering: remove what
 * has expired (sessions, login counters, audit rows past their retention)
 * and finish the audit rows of changes whose worker was killed half way,
 * after looking at the disk to see what really happened. */
#ifndef FILEPANEL_UPKEEP_H
#define FILEPANEL_UPKEEP_H

#include <stdint.h>

#include "request.h"

/* How long a row may stay pending before it is taken for a dead worker's
 * (a change takes milliseconds). */
#define UPKEEP_PENDING_AGE 10
/* Seconds between two upkeeps of one worker. */
#define UPKEEP_EVERY 60

/* Do the upkeep if UPKEEP_EVERY seconds went by since the last one (or
 * always when force). */
void upkeep_maybe(const struct config *cfg, struct store *store, int64_t now, bool force);

/* Finish every pending row made at or before `before`; returns how many
 * were finished. */
int upkeep_recover(const struct config *cfg, struct store *store, int64_t before, int64_t now);

#endif
