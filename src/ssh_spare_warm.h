/* ssh_spare_warm.h - a spare's copy-on-write faults taken before its login (ssh_spare_warm.c). */
#ifndef WQ_SSH_SPARE_WARM_H
#define WQ_SSH_SPARE_WARM_H

/* Runs, with throwaway keys and data, the code a login runs first in a forked process
 * (OpenSSL's key exchange and ciphers, a thread, the heap's growth), so that the pages it
 * writes are copied now; keeps nothing. */
void spare_warm(void);

#endif
