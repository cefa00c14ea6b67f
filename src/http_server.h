/* http_server.h - the citizen web side of `watiqa serve` (libmicrohttpd): order form,
 * payment redirect and callback, tracking, complaints, JSON API. */
#ifndef WQ_HTTP_SERVER_H
#define WQ_HTTP_SERVER_H

#include "config.h"
#include "err.h"

struct http_server;

/* Starts listening on cfg->bind:cfg->http_port in its own threads and prints
 * "http listening on ADDR:PORT". */
int http_server_start(const struct config *cfg, struct http_server **out,
		      struct wq_errbuf *eb);
void http_server_stop(struct http_server *s);

#endif
