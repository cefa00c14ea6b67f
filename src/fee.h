/* fee.h - the fee table of etc/fees.conf: what a request costs, by document type and
 * number of copies, in centimes.  Loaded once at start, then read-only (any thread). */
#ifndef WQ_FEE_H
#define WQ_FEE_H

#include <stdint.h>

#include "country.h"
#include "err.h"

struct fee_row {
	const char *doc_type; /* "extract" | "full_copy" */
	int64_t first_centimes, extra_centimes;
};

struct fee_table {
	struct fee_row rows[2];
	/* registered mail abroad, by zone (country.h), "post.zoneN = MAD"; [0] is 0:
	 * postage within Morocco is in the document fee */
	int64_t postage_centimes[COUNTRY_ZONES];
	/* a returned envelope sent again to a corrected address, "resend.postage = MAD":
	 * the post's money, paid apart from the documents' fee (redispatch.h) */
	int64_t resend_centimes;
};

int fee_load(struct fee_table *t, const char *path, struct wq_errbuf *eb);
/* WQ_EINVAL (field "doc_type" or "copies") if the type is unknown or copies is out of
 * 1..MAX_COPIES. */
int fee_compute(const struct fee_table *t, const char *doc_type, int copies,
		int64_t *centimes, struct wq_errbuf *eb);
/* The postage added for a delivery in zone (0 in Morocco). */
int64_t fee_postage(const struct fee_table *t, int zone);
/* "20.00" -> 2000; -1 if not an amount with at most two decimals. */
int64_t fee_parse_mad(const char *s);

#endif
