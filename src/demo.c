/* demo.c - the demo slice of the network (3 provinces, 10 communes, 16 offices, one
 * relayed), one account per role (plus a second office's agent, supervisor, inspector
 * and finance officer, for scope checks), and a few hundred requests in every state.
 * Everything goes through the same functions the server uses, so the histories,
 * payments and audit rows are real; only the clock is moved back (WATIQA_FAKE_NOW). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "complaint.h"
#include "escalate.h"
#include "national.h"
#include "demo.h"
#include "names.h"
#include "notice.h"
#include "office.h"
#include "refund.h"
#include "request.h"
#include "user.h"
#include "util.h"

static const struct {
	const char *code, *kind, *fr, *ar;
} provinces[] = {
	{"RABAT", "prefecture", "Préfecture de Rabat", "عمالة الرباط"},
	{"KENITRA", "province", "Province de Kénitra", "إقليم القنيطرة"},
	{"SETTAT", "province", "Province de Settat", "إقليم سطات"},
};

static const struct {
	const char *code, *province, *kind, *fr, *ar, *account;
} communes[] = {
	{"RBT-HASSAN", "RABAT", "urban", "Hassan", "حسان", "BAM-0101-2210"},
	{"RBT-AGDAL", "RABAT", "urban", "Agdal-Riyad", "أكدال الرياض", "BAM-0101-2211"},
	{"RBT-YOUSSOUFIA", "RABAT", "urban", "Youssoufia", "اليوسفية", "BAM-0101-2212"},
	{"KEN-KENITRA", "KENITRA", "urban", "Kénitra", "القنيطرة", "BAM-0201-3310"},
	{"KEN-MEHDYA", "KENITRA", "urban", "Mehdya", "المهدية", "BAM-0201-3311"},
	{"KEN-SIDITAIBI", "KENITRA", "rural", "Sidi Taibi", "سيدي الطيبي", "BAM-0201-3312"},
	{"KEN-HADDADA", "KENITRA", "rural", "Haddada", "الحدادة", "BAM-0201-3313"},
	{"SET-SETTAT", "SETTAT", "urban", "Settat", "سطات", "BAM-0301-4410"},
	{"SET-OULEDSAID", "SETTAT", "rural", "Ouled Said", "أولاد سعيد", "BAM-0301-4411"},
	{"SET-GUISSER", "SETTAT", "rural", "Guisser", "كيسر", "BAM-0301-4412"},
};

static const struct {
	const char *code, *commune, *activity, *fr, *ar, *relay;
} offices[] = {
	{"RBT-HAS-1", "RBT-HASSAN", "intensive", "Bureau central Hassan", "المكتب المركزي حسان", ""},
	{"RBT-HAS-2", "RBT-HASSAN", "moderate", "Bureau Hassan Océan", "مكتب حسان المحيط", ""},
	{"RBT-HAS-3", "RBT-HASSAN", "low", "Bureau annexe Diour Jamaa", "ملحقة ديور الجامع",
	 "RBT-HAS-1"},
	{"RBT-AGD-1", "RBT-AGDAL", "intensive", "Bureau central Agdal", "المكتب المركزي أكدال", ""},
	{"RBT-AGD-2", "RBT-AGDAL", "moderate", "Bureau Riyad", "مكتب الرياض", ""},
	{"RBT-YOU-1", "RBT-YOUSSOUFIA", "intensive", "Bureau central Youssoufia",
	 "المكتب المركزي اليوسفية", ""},
	{"RBT-YOU-2", "RBT-YOUSSOUFIA", "low", "Bureau Takaddoum", "مكتب التقدم", ""},
	{"KEN-KEN-1", "KEN-KENITRA", "intensive", "Bureau central Kénitra",
	 "المكتب المركزي القنيطرة", ""},
	{"KEN-KEN-2", "KEN-KENITRA", "moderate", "Bureau Maamora", "مكتب المعمورة", ""},
	{"KEN-MEH-1", "KEN-MEHDYA", "moderate", "Bureau Mehdya", "مكتب المهدية", ""},
	{"KEN-STB-1", "KEN-SIDITAIBI", "low", "Bureau Sidi Taibi", "مكتب سيدي الطيبي", ""},
	{"KEN-HAD-1", "KEN-HADDADA", "low", "Bureau Haddada", "مكتب الحدادة", ""},
	{"SET-SET-1", "SET-SETTAT", "intensive", "Bureau central Settat", "المكتب المركزي سطات", ""},
	{"SET-SET-2", "SET-SETTAT", "moderate", "Bureau Smaala", "مكتب السماعلة", ""},
	{"SET-OLS-1", "SET-OULEDSAID", "low", "Bureau Ouled Said", "مكتب أولاد سعيد", ""},
	{"SET-GUI-1", "SET-GUISSER", "low", "Bureau Guisser", "مكتب كيسر", ""},
};

/* lang: the screens' language.  The first office works in French and Arabic side by
 * side; the second office in Arabic; the national and provincial accounts in English. */
static const struct {
	const char *user, *name, *role, *scope, *lang;
} accounts[] = {
	{"agent1", "Karim Bennani", "agent", "RBT-HAS-1", "fr"},
	{"agent2", "Salma El Idrissi", "agent", "RBT-HAS-1", "ar"},
	{"supervisor1", "Nadia Alaoui", "supervisor", "RBT-HAS-1", "fr"},
	{"inspector1", "Hassan Tazi", "inspector", "RABAT", "en"},
	{"support1", "Imane Chraibi", "support", "", "en"},
	{"finance1", "Youssef Berrada", "finance", "RBT-HASSAN", "en"},
	{"treasury1", "Latifa Benjelloun", "treasury", "", "en"},
	{"admin1", "Omar Fassi Fihri", "admin", "", "en"},
	{"post1", "Rachid Amrani", "post", "RABAT", "en"},
	/* a second office, commune and province: to see that scopes hold */
	{"agent3", "Mehdi Ziani", "agent", "RBT-AGD-1", "ar"},
	{"supervisor2", "Houda Sqalli", "supervisor", "RBT-AGD-1", "ar"},
	{"inspector2", "Adil Kettani", "inspector", "KENITRA", "en"},
	{"finance2", "Samira Lahlou", "finance", "RBT-AGDAL", "en"},
	{"post2", "Aziz Rahmani", "post", "KENITRA", "en"},
	{"post3", "Leila Mansouri", "post", "SETTAT", "en"},
	/* the civil-status officer who signs what the first office (and the office it
	 * relays) produced */
	{"officer1", "Abdellah Ouazzani", "officer", "RBT-HAS-1", "fr"},
	/* the national inspector: what the provinces raise above them */
	{"inspector0", "Karima Benkirane", "inspector", "", "en"},
};

/* The demo draws from the first names of names.c only: the same draws, the same demo
 * data on every machine, whatever the generator's vocabulary grows to. */
#define DEMO_GIVEN 20
#define DEMO_FAMILY 18

static const char *const streets[] = {
	"12 rue Oued Sebou", "45 avenue Mohammed V", "8 derb Sidi Fatah", "3 rue Patrice Lumumba",
	"27 boulevard Hassan II", "61 rue Abou Bakr Seddik", "19 avenue des FAR",
	"5 impasse Al Amal", "102 hay Salam", "14 rue Ibn Khaldoun",
};
static const char *const cities[][2] = {
	{"10000", "Rabat"}, {"14000", "Kénitra"}, {"26000", "Settat"}, {"20250", "Casablanca"},
	{"30000", "Fès"},   {"40000", "Marrakech"}, {"90000", "Tanger"},
};
static const char *const reject_reasons[] = {
	"record not found in the registers",
	"data do not match the record (date of birth)",
	"record number and year do not match",
};

/* A small deterministic generator: the demo is the same on every machine. */
static unsigned long long demo_seed = 20261126;
static unsigned demo_rand(unsigned n)
{
	demo_seed = demo_seed * 6364136223846793005ULL + 1442695040888963407ULL;
	return (unsigned)((demo_seed >> 33) % n);
}

static void set_clock(int64_t t)
{
	char buf[32];
	snprintf(buf, sizeof buf, "%lld", (long long)t);
	setenv("WATIQA_FAKE_NOW", buf, 1);
}

void demo_print_accounts(FILE *out)
{
	fprintf(out, "demo accounts (password: %s)\n", DEMO_PASSWORD);
	fprintf(out, "  %-12s %-11s %-15s %s\n", "username", "role", "scope", "name");
	for (size_t i = 0; i < sizeof accounts / sizeof accounts[0]; i++)
		fprintf(out, "  %-12s %-11s %-15s %s\n", accounts[i].user, accounts[i].role,
			accounts[i].scope[0] ? accounts[i].scope : "national", accounts[i].name);
}

static int load_network(struct db *db, const struct actor *sys, struct wq_errbuf *eb)
{
	int rc = WQ_OK;
	for (size_t i = 0; !rc && i < sizeof provinces / sizeof provinces[0]; i++)
		rc = province_add(db, sys, provinces[i].code, provinces[i].kind, provinces[i].fr,
				  provinces[i].ar, eb);
	for (size_t i = 0; !rc && i < sizeof communes / sizeof communes[0]; i++)
		rc = commune_add(db, sys, communes[i].code, communes[i].province, communes[i].kind,
				 communes[i].fr, communes[i].ar, communes[i].account, eb);
	for (size_t i = 0; !rc && i < sizeof offices / sizeof offices[0]; i++)
		rc = office_add(db, sys, offices[i].code, offices[i].commune, offices[i].fr,
				offices[i].ar, offices[i].activity, offices[i].relay, NULL, eb);
	for (size_t i = 0; !rc && i < sizeof accounts / sizeof accounts[0]; i++)
		if (!(rc = user_add(db, sys, accounts[i].user, accounts[i].name,
				    role_from_name(accounts[i].role), accounts[i].scope,
				    DEMO_PASSWORD, NULL, eb)))
			rc = user_set_lang(db, sys, accounts[i].user, accounts[i].lang, eb);
	return rc;
}

/* How far along the life of a request the demo takes it. */
static enum req_state pick_target(void)
{
	static const struct {
		enum req_state s;
		unsigned weight;
	} mix[] = {
		{RS_PENDING_PAYMENT, 4}, {RS_EXPIRED, 3},    {RS_PAID, 22},     {RS_CLAIMED, 10},
		{RS_IN_PRODUCTION, 10},  {RS_READY, 8},      {RS_WITH_POST, 10}, {RS_DELIVERED, 25},
		{RS_REJECTED, 5},        {RS_RETURNED, 3},
	};
	unsigned total = 0, r;
	for (size_t i = 0; i < sizeof mix / sizeof mix[0]; i++)
		total += mix[i].weight;
	r = demo_rand(total);
	for (size_t i = 0; i < sizeof mix / sizeof mix[0]; i++) {
		if (r < mix[i].weight)
			return mix[i].s;
		r -= mix[i].weight;
	}
	return RS_PAID;
}

/* Staff of `role` who can act on an office's requests: one of the demo accounts where
 * the office (or its relay) has some (an agent drawn at random), else a stand-in of that
 * office, made once ("ag.rbt-agd-2", "of.rbt-agd-2"). */
static int office_staff(struct db *db, const struct actor *sys, int64_t office_id,
			enum role role, struct actor *agent, struct wq_errbuf *eb)
{
	struct office o;
	int rc = office_get(db, office_id, &o, eb);
	if (rc)
		return rc;
	/* relayed office: its central office's agents act for it */
	const char *code = o.relay_code[0] ? o.relay_code : o.code;
	struct user *users;
	int n;
	struct office at;
	if ((rc = office_get_by_code(db, code, &at, eb)))
		return rc;
	if ((rc = user_list(db, role, at.id, &users, &n, eb)))
		return rc;
	if (n > 0) {
		unsigned k = role == ROLE_AGENT ? demo_rand((unsigned)n) : 0;
		rc = user_actor(db, users[k].username, agent, eb);
		free(users);
		return rc;
	}
	free(users);
	char name[USERNAME_MAX_BYTES];
	snprintf(name, sizeof name, "%s.%s", role == ROLE_AGENT ? "ag" : "of", code);
	for (char *p = name; *p; p++)
		*p = (*p >= 'A' && *p <= 'Z') ? (char)(*p - 'A' + 'a') : *p;
	if ((rc = user_add(db, sys, name, role == ROLE_AGENT ? "Agent" : "Officier", role, code,
			   DEMO_PASSWORD, NULL, eb)))
		return rc;
	return user_actor(db, name, agent, eb);
}

/* The request demo_request() made last, for the complaints added after it. */
static int64_t last_id, last_created;
static char last_tracking[TRACKING_BYTES];

static const char *const complaint_texts[] = {
	"Ma demande est payée depuis plusieurs jours et rien n'a bougé.",
	"طلبت نسخة موجزة منذ أسبوع ولم أتوصل بأي جديد.",
	"Le document reçu porte une erreur dans le nom de mon père.",
	"أرجو تسريع معالجة الطلب، أحتاج الوثيقة لملف جواز السفر.",
};

/* One request in fifteen, paid and a few days old, gets a citizen's complaint. */
static int demo_complaint(struct db *db, int i, int64_t now, struct wq_errbuf *eb)
{
	struct actor sys;
	struct request r;
	int64_t id;
	actor_system(&sys);
	if (i % 15 != 4 || now - last_created < 2 * 86400)
		return WQ_OK;
	int rc = request_get(db, &sys, last_id, &r, eb);
	if (rc || r.state == RS_PENDING_PAYMENT || r.state == RS_EXPIRED)
		return rc;
	/* filed in the last four days (after the order): within complaint_escalate_days,
	 * so a fresh demo's complaints are still their province's, some of them late */
	int64_t at = now - (int64_t)demo_rand(4 * 86400);
	set_clock(at > last_created + 3600 ? at : last_created + 3600);
	return complaint_open_citizen(db, r.id, last_tracking,
				      complaint_texts[demo_rand(4)], "127.0.0.1", &id, eb);
}

/* The demo post account of the province an office is in. */
static int office_post(struct db *db, const struct office *o, struct actor *post,
		       struct wq_errbuf *eb)
{
	const char *name = !strcmp(o->province_code, "KENITRA") ? "post2"
			   : !strcmp(o->province_code, "SETTAT") ? "post3" : "post1";
	return user_actor(db, name, post, eb);
}

/* A rejection of the demo's past: its refund went through the gateway two hours later (the
 * sandbox knows none of the demo's payments, so it could not make it now). */
static int demo_reject(struct db *db, const struct actor *agent, int64_t id, int64_t *t,
		       struct wq_errbuf *eb)
{
	struct refund f;
	char ref[32];
	int rc = request_transition(db, agent, id, 0, RS_REJECTED, reject_reasons[demo_rand(3)],
				    eb);
	if (rc || (rc = refund_for_request(db, id, &f, eb)))
		return rc;
	set_clock(*t += 7200);
	snprintf(ref, sizeof ref, "RFDDEMO%06lld", (long long)id);
	return refund_mark_done(db, f.id, ref, "", eb);
}

/* An envelope back from the post more than returned_keep_days (15 by default) ago was
 * left without a choice and destroyed then, its fee refunded (the first sweep would do
 * it otherwise); the recent ones still wait on the office's board. */
static int demo_returned_outcome(struct db *db, const struct request *r, int64_t t,
				 int64_t now, struct wq_errbuf *eb)
{
	struct actor sys;
	struct refund f;
	char ref[32];
	int rc;
	/* no demo_rand() here: the draws of every later request stay as they were */
	if (now - t < 15 * 86400 + 3600)
		return WQ_OK;
	actor_system(&sys);
	set_clock(t += 15 * 86400 + 3600);
	if ((rc = request_transition(db, &sys, r->id, 0, RS_DESTROYED,
				     "no choice in time: envelope destroyed", eb)) ||
	    (rc = refund_for_request(db, r->id, &f, eb)))
		return rc;
	set_clock(t + 7200);
	snprintf(ref, sizeof ref, "RFDDEMO%06lld", (long long)r->id);
	return refund_mark_done(db, f.id, ref, "", eb);
}

static int demo_request(struct db *db, const struct actor *sys, const struct office *offs,
			int noffices, int i, int64_t now, struct wq_errbuf *eb)
{
	struct request r;
	char secret[SECRET_CODE_BYTES];
	memset(&r, 0, sizeof r);
	/* one request in three goes to the demo agents' own office, so their queue is full */
	const struct office *o = i % 3 == 0 ? &offs[0] : &offs[demo_rand((unsigned)noffices)];
	r.office_id = o->id;
	r.birth_commune_id = o->commune_id;
	int g = (int)demo_rand(DEMO_GIVEN);
	int f = (int)demo_rand(DEMO_FAMILY);
	int c = (int)demo_rand(sizeof cities / sizeof cities[0]);
	int year = 1950 + (int)demo_rand(70);
	wq_strlcpy(r.first_name_ar, names_given[g][0], sizeof r.first_name_ar);
	wq_strlcpy(r.first_name_lat, names_given[g][1], sizeof r.first_name_lat);
	wq_strlcpy(r.last_name_ar, names_family[f][0], sizeof r.last_name_ar);
	wq_strlcpy(r.last_name_lat, names_family[f][1], sizeof r.last_name_lat);
	strcpy(r.doc_type, demo_rand(3) ? "extract" : "full_copy");
	r.copies = 1 + (int)demo_rand(3);
	r.fee_centimes = (strcmp(r.doc_type, "extract") ? 3000 : 2000) * r.copies;
	if (i % 24 == 3) { /* an extract and a full copy in one order (issue 13 item 4); no
			    * draw of its own, so the other requests stay as they were */
		r.nlines = 2;
		r.lines[0] = (struct req_line){.no = 1, .doc_type = "extract", .copies = r.copies,
					       .fee_centimes = 2000 * r.copies};
		r.lines[1] = (struct req_line){.no = 2, .doc_type = "full_copy", .copies = 1,
					       .fee_centimes = 3000};
		r.fee_centimes = r.lines[0].fee_centimes + 3000;
	}
	snprintf(r.record_number, sizeof r.record_number, "%u", 1 + demo_rand(2400));
	r.record_year = year;
	snprintf(r.birth_date, sizeof r.birth_date, "%04d-%02u-%02u", year, 1 + demo_rand(12),
		 1 + demo_rand(28));
	snprintf(r.cin, sizeof r.cin, "%c%c%u", "ABCDGJKW"[demo_rand(8)],
		 "ABCDEFGHJK"[demo_rand(10)], 100000 + demo_rand(899999));
	snprintf(r.phone, sizeof r.phone, "06%08u", demo_rand(100000000));
	if (demo_rand(2))
		snprintf(r.email, sizeof r.email, "%s.%s@example.ma", names_given[g][1],
			 names_family[f][1]);
	for (char *p = r.email; *p; p++)
		if (*p == ' ')
			*p = '-';
	snprintf(r.address, sizeof r.address, "%s", streets[demo_rand(10)]);
	wq_strlcpy(r.postal_code, cities[c][0], sizeof r.postal_code);
	wq_strlcpy(r.city, cities[c][1], sizeof r.city);
	strcpy(r.lang, demo_rand(2) ? "ar" : "fr");

	enum req_state target = pick_target();
	/* older requests are further along; queued ones are spread over the last 6 days
	 * so that some are overdue */
	int64_t age = target == RS_DELIVERED || target == RS_RETURNED
			      ? 86400 * (6 + (int64_t)demo_rand(40))
			      : 3600 * (1 + (int64_t)demo_rand(24 * 4));
	int64_t t = now - age;
	int rc;
	set_clock(t);
	if ((rc = request_create(db, &r, NULL, 0, secret, eb)))
		return rc;
	last_id = r.id;
	wq_strlcpy(last_tracking, r.tracking, sizeof last_tracking);
	last_created = t;
	if (target == RS_PENDING_PAYMENT)
		return WQ_OK;
	if (target == RS_EXPIRED) {
		set_clock(t + 2 * PAYMENT_EXPIRY_SECONDS);
		int n;
		return request_expire_unpaid(db, PAYMENT_EXPIRY_SECONDS, &n, eb);
	}
	char ref[32];
	int already;
	snprintf(ref, sizeof ref, "DEMO-%06d", i);
	set_clock(t += 120 + demo_rand(600));
	if ((rc = request_mark_paid(db, r.id, ref, r.fee_centimes, &already, eb)))
		return rc;
	if (target == RS_PAID)
		return WQ_OK;
	struct actor agent;
	if ((rc = office_staff(db, sys, r.office_id, ROLE_AGENT, &agent, eb)))
		return rc;
	if (target == RS_REJECTED && demo_rand(2)) {
		set_clock(t += 3600 * (1 + demo_rand(20)));
		return demo_reject(db, &agent, r.id, &t, eb);
	}
	set_clock(t += 3600 * (1 + demo_rand(20)));
	if ((rc = request_claim(db, &agent, r.id, 0, eb)) || target == RS_CLAIMED)
		return rc;
	set_clock(t += 600 + demo_rand(7200));
	if (target == RS_REJECTED)
		return demo_reject(db, &agent, r.id, &t, eb);
	if ((rc = request_transition(db, &agent, r.id, 0, RS_IN_PRODUCTION, "", eb)))
		return rc;
	/* produced, then signed by the office's officer (its relay office's for a relayed
	 * office), then sealed: within the same time the demo gave production before there
	 * was a signature, so that the draws and the times after it stay as they were; the
	 * requests left in production are a third each in production, to sign and signed */
	/* no draw for a request left in production (there was none before the signature):
	 * the demo's other requests stay as they were */
	int64_t produced = 3600 * (1 + (target == RS_IN_PRODUCTION ? (unsigned)i % 30 : demo_rand(30)));
	int stays = target == RS_IN_PRODUCTION ? (i / 2) % 3 : 3; /* 0 in production, 1 to sign */
	struct actor officer;
	if (stays == 0)
		return WQ_OK;
	set_clock(t + produced / 2);
	if ((rc = request_transition(db, &agent, r.id, 0, RS_AWAITING_SIGNATURE, "", eb)) ||
	    stays == 1)
		return rc;
	set_clock(t + produced * 3 / 4);
	if ((rc = office_staff(db, sys, r.office_id, ROLE_OFFICER, &officer, eb)) ||
	    (rc = request_transition(db, &officer, r.id, 0, RS_SIGNED, "", eb)))
		return rc;
	if (target == RS_IN_PRODUCTION)
		return WQ_OK;
	set_clock(t += produced);
	if ((rc = request_transition(db, &agent, r.id, 0, RS_READY, "", eb)) ||
	    target == RS_READY)
		return rc;
	char code[14];
	wq_s10_make("RR", 10000000u + (unsigned)i * 7919u, "MA", code);
	set_clock(t += 3600 * (2 + demo_rand(24)));
	if ((rc = request_hand_to_post(db, &agent, r.id, 0, code,
				       demo_rand(2) ? "pickup" : "deposit", eb)) ||
	    target == RS_WITH_POST)
		return rc;
	set_clock(t += 86400 * (1 + demo_rand(4)));
	struct actor poster;
	if ((rc = office_post(db, o, &poster, eb)))
		return rc;
	if (target == RS_RETURNED) {
		rc = request_transition(db, &poster, r.id, 0, RS_RETURNED,
					"addressee unknown at this address", eb);
		return rc ? rc : demo_returned_outcome(db, &r, t, now, eb);
	}
	return request_transition(db, &poster, r.id, 0, RS_DELIVERED, "", eb);
}

/* The answer's notice to inspector1 (db_national.c), read by him when it came, so
 * that the demo starts with no mark on his title line. */
static int demo_answer_read(struct db *db, const struct actor *prov, struct wq_errbuf *eb)
{
	struct notice_thread *t = NULL;
	int n = 0, marked = 0, rc = notice_threads(db, prov, &t, &n, eb);
	for (int i = 0; i < n && !rc; i++)
		if (t[i].unread)
			rc = notice_mark_read(db, prov, t[i].thread_id, &marked, eb);
	free(t);
	return rc;
}

/* RABAT's inspector raised its two latest requests to the national inspection this
 * morning; inspector0 answered the first. */
static int demo_national(struct db *db, int64_t now, struct wq_errbuf *eb)
{
	static const char *const notes[] = {
		"Le bureau ne répond plus au téléphone depuis trois jours.",
		"Registre introuvable au bureau : merci de voir avec les archives provinciales.",
	};
	struct actor prov, nat;
	struct config c;
	struct escalate_rules r;
	struct escalation *late = NULL;
	int n = 0, rc;
	config_defaults(&c);
	escalate_rules_from_config(&r, &c);
	if ((rc = user_actor(db, "inspector1", &prov, eb)) ||
	    (rc = user_actor(db, "inspector0", &nat, eb)) ||
	    (rc = escalate_list(db, &prov, &r, now, ESC_LATE, &late, &n, eb)))
		return rc;
	for (int i = 0; i < n && i < 2 && !rc; i++) {
		set_clock(now - 3 * 3600 + i * 600);
		rc = national_raise_request(db, &prov, late[i].id, notes[i], eb);
	}
	int64_t raise = 0;
	struct raised *x = NULL;
	int nx = 0;
	if (!rc && n > 0 && !(rc = national_list(db, &nat, 0, &x, &nx, eb)) && nx > 0)
		raise = x[0].id;
	free(x);
	free(late);
	set_clock(now - 3600);
	if (!rc && raise)
		rc = national_answer_request(db, &nat, raise, 0,
					     "Vu avec le bureau : envoi sous 48 h, suivi par la "
					     "province.",
					     eb);
	return rc || !raise ? rc : demo_answer_read(db, &prov, eb);
}

int demo_load(struct db *db, int requests, int *loaded, struct wq_errbuf *eb)
{
	struct office *offs = NULL;
	int noffices = 0, rc;
	*loaded = 0;
	if ((rc = office_list(db, &offs, &noffices, eb)))
		return rc;
	free(offs);
	if (noffices > 0)
		return WQ_OK;
	struct actor sys;
	actor_system(&sys);
	int64_t now = wq_now();
	db_bulk_mode(db, 1);
	rc = load_network(db, &sys, eb);
	if (!rc)
		rc = office_list(db, &offs, &noffices, eb);
	/* the demo's own office first: offs[] is sorted by code, find RBT-HAS-1 */
	for (int i = 0; !rc && i < noffices; i++) {
		if (!strcmp(offs[i].code, "RBT-HAS-1")) {
			struct office tmp = offs[0];
			offs[0] = offs[i];
			offs[i] = tmp;
		}
	}
	for (int i = 0; !rc && i < requests; i++) {
		rc = demo_request(db, &sys, offs, noffices, i, now, eb);
		if (!rc)
			rc = demo_complaint(db, i, now, eb);
	}
	if (!rc)
		rc = demo_national(db, now, eb);
	unsetenv("WATIQA_FAKE_NOW");
	db_bulk_mode(db, 0);
	free(offs);
	if (!rc)
		*loaded = 1;
	return rc;
}
