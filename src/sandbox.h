/* sandbox.h - `watiqa sandbox`: loopback stand-ins for the outside services (payment
 * gateway with test cards, SMS/e-mail gateway, post tracking), so that the real
 * libcurl code paths run end to end in `make run` and in tests. */
#ifndef WQ_SANDBOX_H
#define WQ_SANDBOX_H

#include "config.h"

int sandbox_main(const struct config *cfg);

#endif
