/* endpoints.h - where `watiqa serve` reaches the outside world: the payment gateway,
 * the SMS / e-mail gateway and the post's tracking service.  One setting,
 * gateway_base_url (default: the sandbox on loopback at sandbox_port), moves all
 * three; gateway_url, sms_url and post_url override one each.  And the checks serve
 * makes before it starts: a real gateway secret outside demo, https to any host that
 * is not this machine. */
#ifndef WQ_ENDPOINTS_H
#define WQ_ENDPOINTS_H

#include "config.h"
#include "err.h"

/* The sandbox's built-in secret: accepted only with --demo. */
#define ENDPOINTS_DEMO_SECRET "sandbox-secret-change-me"
#define ENDPOINTS_SECRET_MIN_BYTES 16

/* Fills the empty gateway_url, sms_url, post_url from gateway_base_url (itself
 * http://127.0.0.1:<sandbox_port> when empty): base, base/sms, base/post. */
void endpoints_resolve(struct config *cfg);
/* 1 if url's host is this machine (127.0.0.0/8, ::1, localhost). */
int endpoints_loopback(const char *url);
/* What serve refuses to start with (WQ_EINVAL, the setting named in eb->field):
 * outside demo, the sandbox's secret or a short one; any URL that is not http(s), or
 * is http:// to a host that is not this machine (the confirmation of a payment and the
 * citizens' phone numbers would cross the network in clear; over https libcurl checks
 * the certificate and the host name, as by default). */
int endpoints_check(const struct config *cfg, struct wq_errbuf *eb);

#endif
