/* office.h - the network: provinces, communes, civil-status offices, relays. */
#ifndef WQ_OFFICE_H
#define WQ_OFFICE_H

#include <stdint.h>

#include "actor.h"
#include "db.h"
#include "err.h"

struct office {
	int64_t id;
	char code[16];
	char name_fr[NAME_MAX_BYTES], name_ar[NAME_MAX_BYTES];
	char activity[12]; /* low | moderate | intensive */
	int64_t commune_id;
	char commune_code[16], commune_name[NAME_MAX_BYTES], commune_name_ar[NAME_MAX_BYTES];
	int64_t province_id;
	char province_code[16];
	int64_t relay_office_id; /* 0: none */
	char relay_code[16];
	int active;
};

struct commune {
	int64_t id;
	char code[16];
	char name_fr[NAME_MAX_BYTES], name_ar[NAME_MAX_BYTES];
	char kind[8]; /* urban | rural */
	int64_t province_id;
	char province_code[16];
	char post_account[40];
};

struct province {
	int64_t id;
	char code[16];
	char kind[12];
	char name_fr[NAME_MAX_BYTES], name_ar[NAME_MAX_BYTES];
};

int office_list(struct db *db, struct office **out, int *n, struct wq_errbuf *eb);
/* The open offices of the communes that have several (the order form offers them),
 * by commune then central office first; province_id / commune_id 0: any. */
int office_list_shared(struct db *db, int64_t province_id, int64_t commune_id,
		       struct office **out, int *n, struct wq_errbuf *eb);
int office_get(struct db *db, int64_t id, struct office *out, struct wq_errbuf *eb);
int office_get_by_code(struct db *db, const char *code, struct office *out,
		       struct wq_errbuf *eb);
/* relay_code "" for none. */
int office_add(struct db *db, const struct actor *by, const char *code,
	       const char *commune_code, const char *name_fr, const char *name_ar,
	       const char *activity, const char *relay_code, int64_t *id_out,
	       struct wq_errbuf *eb);
int office_set(struct db *db, const struct actor *by, const char *code, const char *activity,
	       const char *relay_code, int active, struct wq_errbuf *eb);
int commune_list(struct db *db, struct commune **out, int *n, struct wq_errbuf *eb);
int commune_get(struct db *db, int64_t id, struct commune *out, struct wq_errbuf *eb);
/* The communes of one province, by French name. */
int commune_list_in_province(struct db *db, int64_t province_id, struct commune **out,
			     int *n, struct wq_errbuf *eb);
int commune_count(struct db *db, int *n, struct wq_errbuf *eb);
int commune_add(struct db *db, const struct actor *by, const char *code,
		const char *province_code, const char *kind, const char *name_fr,
		const char *name_ar, const char *post_account, struct wq_errbuf *eb);
int province_list(struct db *db, struct province **out, int *n, struct wq_errbuf *eb);
int province_get_by_code(struct db *db, const char *code, struct province *out,
			 struct wq_errbuf *eb);
int province_add(struct db *db, const struct actor *by, const char *code, const char *kind,
		 const char *name_fr, const char *name_ar, struct wq_errbuf *eb);
/* The office that handles requests for births registered in a commune: its
 * office with the highest activity (the central office). */
int office_for_commune(struct db *db, int64_t commune_id, int64_t *office_id,
		       struct wq_errbuf *eb);

#endif
