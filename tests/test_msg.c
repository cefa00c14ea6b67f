/* test_msg.c - the staff screens' message table (screens/msg.c, msg_table.c): every row
 * has its French and Arabic, no English text has two rows, and a translation keeps the
 * printf conversions of its English in the same order (a format with one %s fewer would
 * read garbage).  Every text the translated screens use has its row: the texts passed to
 * tr(), tr_now() and TX() in their sources, the names and help of their key maps and of
 * the keys every screen has, their titles, the role, scope and state names and the
 * deadline marks.  Screens not translated yet are listed in `pending` and printed.
 * Also the local formats of money and dates, and the reordering of Arabic lines in
 * screens/term.c (visual order, Latin runs kept, widths kept). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <dirent.h>
#include <locale.h>

#include "complaint_desk.h"
#include "escalate.h"
#include "finance.h"
#include "history_text.h"
#include "lifecycle.h"
#include "mail.h"
#include "screen.h"
#include "search.h"

/* Source files whose texts all go through the table. */
static const char *const translated[] = {
	"screens/screen.c",	   "screens/status.c", "screens/prompt.c", "screens/help.c",
	"screens/form.c",	   "screens/table.c",  "screens/desk.c",   "screens/sheet.c",
	"screens/agent_queue.c", "screens/agent_queue_table.c", "screens/supervisor_board.c",
	"screens/supervisor_board_table.c", "screens/post_desk.c",
	"screens/inspector_complaints.c", "screens/inspector_escalations.c",
	"screens/inspector_dashboard.c", "screens/inspector_raised.c", "screens/support.c",
	"screens/finance.c", "screens/finance_views.c", "screens/finance_refunds.c",
	"screens/period.c", "screens/treasury.c", "screens/admin_accounts.c",
	"screens/admin_network.c", "screens/admin_audit.c", "screens/totp_enrol.c",
	"src/printout.c", "src/history_text.c",
};
/* Screens whose key maps are not translated yet (printed, not failed). */
static const char *const pending[] = {
	"",
};

static int is_pending(const char *name)
{
	for (size_t i = 0; i < sizeof pending / sizeof pending[0]; i++)
		if (!strcmp(pending[i], name))
			return 1;
	return 0;
}

/* The printf conversions of fmt, as "s d .60s", to compare. */
static void conversions(const char *fmt, char *out, size_t len)
{
	size_t o = 0;
	out[0] = '\0';
	for (const char *p = fmt; *p; p++) {
		if (*p != '%')
			continue;
		if (p[1] == '%') {
			p++;
			continue;
		}
		p++;
		while (*p && !strchr("sdicuxXfgeplz", *p) && o + 2 < len)
			out[o++] = *p++;
		while (*p && strchr("lz", *p) && o + 2 < len)
			out[o++] = *p++;
		if (*p && o + 2 < len)
			out[o++] = *p;
		out[o++] = ' ';
		out[o] = '\0';
		if (!*p)
			break;
	}
}

static void test_rows_complete(void **state)
{
	(void)state;
	assert_true(msg_table_rows > 100);
	for (size_t i = 0; i < msg_table_rows; i++) {
		const struct msg_row *r = &msg_table[i];
		char ce[128], cf[128], ca[128];
		assert_non_null(r->en);
		if (!r->fr || !r->ar || !r->fr[0] || !r->ar[0])
			fail_msg("'%s' lacks its French or Arabic", r->en);
		conversions(r->en, ce, sizeof ce);
		conversions(r->fr, cf, sizeof cf);
		conversions(r->ar, ca, sizeof ca);
		if (strcmp(ce, cf) || strcmp(ce, ca))
			fail_msg("'%s': conversions '%s', French '%s', Arabic '%s'", r->en, ce, cf,
				 ca);
		for (size_t j = i + 1; j < msg_table_rows; j++)
			if (!strcmp(r->en, msg_table[j].en))
				fail_msg("'%s' has two rows", r->en);
	}
}

static int missing;

static void need(const char *en, const char *where)
{
	if (!en || !en[0] || msg_find(en))
		return;
	fprintf(stderr, "no French/Arabic row for '%s' (%s)\n", en, where);
	missing++;
}

/* The C string literal(s) starting at p (adjacent ones joined), unescaped into out. */
static const char *literal(const char *p, char *out, size_t len)
{
	size_t o = 0;
	for (;;) {
		while (*p == ' ' || *p == '\t' || *p == '\n')
			p++;
		if (*p != '"')
			break;
		for (p++; *p && *p != '"'; p++) {
			char c = *p;
			if (c == '\\') {
				p++;
				c = *p == 'n' ? '\n' : *p == 't' ? '\t' : *p;
				if (*p == 'x') { /* \xNN */
					c = (char)strtol(p + 1, NULL, 16);
					p += 2;
				} else if (*p >= '0' && *p <= '7') { /* \NNN */
					c = (char)strtol((char[]){p[0], p[1], p[2], 0}, NULL, 8);
					p += 2;
				}
			}
			if (o + 1 < len)
				out[o++] = c;
		}
		if (*p == '"')
			p++;
	}
	out[o] = '\0';
	return p;
}

/* The whole file at path, NUL-terminated (malloc'd). */
static char *read_all(const char *path)
{
	FILE *f = fopen(path, "r");
	long n;
	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	char *src = calloc((size_t)n + 1, 1);
	assert_non_null(src);
	assert_int_equal(fread(src, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	return src;
}

static void scan_file(const char *path)
{
	static const char *const marks[] = {"tr(ui,", "TX(", "tr_now(", "CTX("};
	char *src = read_all(path), text[1024];
	for (size_t m = 0; m < sizeof marks / sizeof marks[0]; m++)
		for (const char *p = strstr(src, marks[m]); p; p = strstr(p + 1, marks[m])) {
			const char *q = p + strlen(marks[m]);
			if (p > src && (p[-1] == '_' || (p[-1] >= 'A' && p[-1] <= 'Z')))
				continue; /* TX( inside CTX( */
			while (*q == ' ' || *q == '\n' || *q == '\t')
				q++;
			if (*q != '"')
				continue; /* a variable: checked where its texts are */
			q = literal(q, text, sizeof text);
			if (!strcmp(marks[m], "CTX(")) { /* CTX("context", "text") */
				size_t k = strlen(text);
				while (*q == ',' || *q == ' ' || *q == '\n' || *q == '\t')
					q++;
				text[k++] = '\004';
				literal(q, text + k, sizeof text - k);
			}
			need(text, path);
		}
	free(src);
}

/* The data layer's files whose error details (the format of each wq_fail) all have
 * their row: the ones a staff screen shows most (moves, claims, complaints, the national
 * inspection, search, mail, documents).  Others are printed, not failed: the helpers
 * adding data layers this wave add their rows as they go. */
static const char *const details_translated[] = {
	"src/lifecycle.c",   "src/db_request_write.c", "src/db_complaint_desk.c",
	"src/db_national.c", "src/db_scope.h",	       "src/db_request.c",
	"src/db_search.c",   "src/db_mail.c",	       "src/db_document.c",
	"src/db.c",	     "src/db_user.c",	       "src/db_user_roles.c",
	"src/db_user_prefs.c", "src/db_totp.c",	       "src/db_office.c",
	"src/db_dashboard.c", "src/db_refund_desk.c",
};

/* The data layer's files whose details no staff screen shows, each for its reason:
 * neither failed nor printed.  A function of theirs a screen comes to call moves its
 * file to the list above (and its texts into the table). */
static const char *const details_not_staff[] = {
	/* orders: the web's order page and API (and the demo), answered in the citizen's
	 * fr/ar by the web layer */
	"src/db_request_create.c",
	/* the tracking page's secret code and the gateway's payments (http_track.c,
	 * http_payment.c) */
	"src/db_citizen.c",
	/* a citizen's complaint from the tracking page or the API */
	"src/db_complaint.c",
	/* logins: SSH authentication says no without words (the detail goes to the
	 * session's log), a disabled account at the UI's start or reload goes to its log
	 * or stderr before a screen and a language exist, the CLI is the operator's */
	"src/db_login.c",
	/* the web server's group commit: starting it is the operator's, stopping answers
	 * the web; the staff's processes commit outside it (db_sync.h) */
	"src/db_group.c",
	/* postage refunds: read by the web's re-dispatch page, sent by the refund worker */
	"src/db_postage_refund.c",
};

/* Each wq_fail(eb, code, field, "format"...) of path: its format needs a row. */
static void scan_details(const char *path, int report_only)
{
	char *src = read_all(path), text[1024];
	int quiet = 0;
	for (const char *p = strstr(src, "wq_fail("); p; p = strstr(p + 1, "wq_fail(")) {
		const char *q = p + 8;
		int depth = 0, commas = 0;
		for (; *q && commas < 3; q++) {
			if (*q == '"' || *q == '\'') { /* a literal: skip it */
				char end = *q;
				for (q++; *q && *q != end; q++)
					if (*q == '\\')
						q++;
			} else if (*q == '(') {
				depth++;
			} else if (*q == ')') {
				if (!depth--)
					break;
			} else if (*q == ',' && !depth) {
				commas++;
			}
		}
		while (*q == ' ' || *q == '\n' || *q == '\t')
			q++;
		if (commas < 3 || *q != '"')
			continue;
		literal(q, text, sizeof text);
		if (!strcmp(text, "%s"))
			continue; /* a sentence passed through */
		if (report_only) {
			if (!msg_find(text))
				quiet++;
			continue;
		}
		need(text, path);
	}
	if (report_only && quiet)
		fprintf(stderr, "data-layer details not translated yet: %d in %s\n", quiet, path);
	free(src);
}

static void test_data_layer_details(void **state)
{
	(void)state;
	missing = 0;
	for (size_t i = 0; i < sizeof details_translated / sizeof details_translated[0]; i++)
		scan_details(details_translated[i], 0);
	assert_int_equal(missing, 0);
	DIR *d = opendir("src");
	struct dirent *e;
	assert_non_null(d);
	while ((e = readdir(d))) {
		char path[300];
		int listed = 0;
		if (strncmp(e->d_name, "db", 2) || !strstr(e->d_name, ".c"))
			continue;
		snprintf(path, sizeof path, "src/%s", e->d_name);
		for (size_t i = 0; i < sizeof details_translated / sizeof *details_translated; i++)
			listed |= !strcmp(details_translated[i], path);
		for (size_t i = 0; i < sizeof details_not_staff / sizeof *details_not_staff; i++)
			listed |= !strcmp(details_not_staff[i], path);
		if (!listed)
			scan_details(path, 1);
	}
	closedir(d);

	/* a detail in French and Arabic: the key translated, the arguments put back, a
	 * state among them translated by status_detail (here by hand: no session) */
	struct wq_errbuf eb = {0};
	char out[256];
	wq_fail(&eb, WQ_ECONFLICT, "state", "%s is already claimed by %s", "W1234567897",
		"agent2");
	assert_string_equal(eb.msg, "W1234567897 is already claimed by agent2");
	assert_int_equal(eb.nargs, 2);
	assert_int_equal(wq_err_render(&eb, msg_tr(LANG_FR, eb.fmt), out, sizeof out), 0);
	assert_string_equal(out, "W1234567897 est déjà prise par agent2");
	assert_int_equal(wq_err_render(&eb, msg_tr(LANG_AR, eb.fmt), out, sizeof out), 0);
	assert_string_equal(out, "W1234567897 أخذه agent2 من قبل");
	wq_fail(&eb, WQ_ENOTFOUND, "complaint", "no complaint #%lld%s", 42LL, "");
	assert_int_equal(wq_err_render(&eb, msg_tr(LANG_FR, eb.fmt), out, sizeof out), 0);
	assert_string_equal(out, "aucune plainte n° 42");
	/* finance's desk: the refund's state is a word of the table too */
	wq_fail(&eb, WQ_ECONFLICT, "state",
		"the refund of %s is %s: only a refused refund is settled here", "W1234567897",
		"refund_sent");
	snprintf(eb.args[1], sizeof eb.args[1], "%s", msg_tr(LANG_FR, eb.args[1]));
	assert_int_equal(wq_err_render(&eb, msg_tr(LANG_FR, eb.fmt), out, sizeof out), 0);
	assert_string_equal(out, "le remboursement de W1234567897 est rembours. envoyé : seul "
				 "un remboursement refusé se règle ici");
	wq_fail(&eb, WQ_EINVAL, "x", "%.*s", 3, "abcdef");
	assert_string_equal(eb.args[0], "abc");
	/* too long an argument: no key kept, the English sentence stands */
	char big[200];
	memset(big, 'x', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	wq_fail(&eb, WQ_EIO, NULL, "cannot read %s", big);
	assert_int_equal(eb.nargs, -1);
	assert_int_equal(wq_err_render(&eb, "ne peut lire %s", out, sizeof out), -1);
	assert_int_equal(strncmp(out, "cannot read xxx", 15), 0);
}

static void test_translated_sources(void **state)
{
	(void)state;
	missing = 0;
	for (size_t i = 0; i < sizeof translated / sizeof translated[0]; i++)
		scan_file(translated[i]);
	for (const struct keymap *k = screen_common_keys; k->key; k++)
		need(k->name, "common keys"), need(k->help, "common keys");
	for (int i = 0; i < screen_count(); i++) {
		const struct screen *s = screen_at(i);
		if (is_pending(s->name)) {
			fprintf(stderr, "not translated yet: %s\n", s->name);
			continue;
		}
		need(s->title, s->name);
		for (const struct keymap *k = s->keys; k->key; k++)
			need(k->name, s->name), need(k->help, s->name);
	}
	for (int r = ROLE_AGENT; r <= ROLE_OFFICER; r++)
		need(role_name((enum role)r), "roles");
	for (int sc = SCOPE_OFFICE; sc <= SCOPE_NATIONAL; sc++)
		need(scope_name((enum scope_kind)sc), "scopes");
	for (int st = 0; st < RS_COUNT; st++)
		need(req_state_name((enum req_state)st), "states");
	for (int b = 0; b < FB_COUNT; b++)
		need(fin_bucket_name((enum fin_bucket)b), "money buckets");
	for (int k = 0; k < SEARCH_KIND_COUNT; k++)
		need(search_kind_name((enum search_kind)k), "search kinds");
	for (int c = 0; c < CD_COUNT; c++)
		need(cd_state_name((enum cd_state)c), "complaint states");
	for (int m = 0; m < MS_COUNT; m++)
		need(mail_status_name((enum mail_status)m), "envelope states");
	for (int l = ESC_ON_TIME + 1; l <= ESC_INSPECTOR; l++)
		need(escalate_label((enum escalate_level)l), "deadline marks");
	assert_int_equal(missing, 0);
}

/* The national inspection's and the printouts' texts in each language, whole. */
static void test_national_and_printout_goldens(void **state)
{
	static const struct {
		const char *en, *fr, *ar;
	} gold[] = {
		{"National inspection", "Inspection nationale", "التفتيش الوطني"},
		{"Raised:    %s by itself", "Remontée : %s d'elle-même", "رُفع:      %s تلقائيا"},
		{"past its deadline at the province", "hors délai à la province",
		 "تجاوز أجله في الإقليم"},
		{"KINGDOM OF MOROCCO - CIVIL STATUS - WATIQA",
		 "ROYAUME DU MAROC - ÉTAT CIVIL - WATIQA", "المملكة المغربية - الحالة المدنية - وثيقة"},
		{"Request sheet   %s\n", "Fiche de demande   %s\n", "بطاقة الطلب   %s\n"},
		{"Printed by %s\n", "Imprimé par %s\n", "طبعه %s\n"},
		{"Total: %d envelopes\n", "Total : %d enveloppes\n", "المجموع: %d أظرفة\n"},
	};
	(void)state;
	for (size_t i = 0; i < sizeof gold / sizeof gold[0]; i++) {
		assert_string_equal(msg_tr(LANG_EN, gold[i].en), gold[i].en);
		assert_string_equal(msg_tr(LANG_FR, gold[i].en), gold[i].fr);
		assert_string_equal(msg_tr(LANG_AR, gold[i].en), gold[i].ar);
	}
}

/* The relay office's signature on a relayed office's behalf: stored without words,
 * said in the reader's language; the English notes written before read the same. */
static void test_behalf_note(void **state)
{
	char note[200], out[300];
	(void)state;
	lifecycle_behalf_note("RBT-HAS-3", "", note, sizeof note);
	assert_null(strstr(note, "signed"));
	assert_string_equal(note, "\x1f" "behalf RBT-HAS-3\x1f");
	msg_use(LANG_EN);
	history_note(note, out, sizeof out);
	assert_string_equal(out, "signed on behalf of RBT-HAS-3 (relayed)");
	msg_use(LANG_FR);
	history_note(note, out, sizeof out);
	assert_string_equal(out, "signé pour le compte de RBT-HAS-3 (bureau relayé)");
	history_note("signed on behalf of RBT-HAS-3 (relayed): vu", out, sizeof out);
	assert_string_equal(out, "signé pour le compte de RBT-HAS-3 (bureau relayé): vu");
	msg_use(LANG_AR);
	lifecycle_behalf_note("RBT-HAS-3", "نسخة واحدة", note, sizeof note);
	history_note(note, out, sizeof out);
	assert_string_equal(out, "وُقع نيابة عن RBT-HAS-3 (مكتب ملحق): نسخة واحدة");
	history_note("a note of the agent", out, sizeof out);
	assert_string_equal(out, "a note of the agent");
	msg_use(LANG_EN);
}

static void test_lookup_and_formats(void **state)
{
	char b[64];
	(void)state;
	assert_string_equal(msg_tr(LANG_EN, "claim"), "claim");
	assert_string_equal(msg_tr(LANG_FR, "claim"), "prendre");
	assert_string_equal(msg_tr(LANG_FR, "a text with no row"), "a text with no row");
	assert_int_equal(msg_lang("ar"), LANG_AR);
	assert_int_equal(msg_lang("xx"), LANG_EN);
	msg_money(LANG_EN, 638000, b, sizeof b);
	assert_string_equal(b, "6380.00");
	msg_money(LANG_FR, 123456789, b, sizeof b);
	assert_string_equal(b, "1\xc2\xa0" "234\xc2\xa0" "567,89");
	msg_money(LANG_AR, -5, b, sizeof b);
	assert_string_equal(b, "-0,05");
	msg_date(LANG_FR, "2026-11-03 14:05", b, sizeof b);
	assert_string_equal(b, "03/11/2026 14:05");
	msg_date(LANG_EN, "2026-11-03", b, sizeof b);
	assert_string_equal(b, "2026-11-03");
}

/* Arabic letters alef (U+0627) and beh (U+0628), as UTF-8 */
#define ALEF "\xd8\xa7"
#define BEH "\xd8\xa8"
#define RLM "\xe2\x80\x8f"

static void test_reordering(void **state)
{
	struct term t = {.rows = 24, .cols = 80, .rtl = 1, .reorder = 1};
	char out[256];
	int x = 0, w = 0;
	(void)state;
	setlocale(LC_ALL, "C.UTF-8"); /* as the UI child runs */
	/* right to left: the letters reversed, the tracking number left to right */
	term_visual(&t, ALEF BEH " W1234567890", out, sizeof out, &x, &w);
	assert_string_equal(out, "W1234567890 " BEH ALEF);
	/* two Latin cells separated by an RLM stay two cells, in right-to-left order, and
	 * the mark is not drawn; the highlight follows the first cell to the right */
	x = 0, w = 5;
	term_visual(&t, "LATE+\xe2\x80\x8e" RLM " 3d22h", out, sizeof out, &x, &w);
	assert_string_equal(out, "3d22h LATE+");
	assert_int_equal(x, 6);
	assert_int_equal(w, 5);
	/* a number with a no-break space stays one number */
	term_visual(&t, ALEF " 6\xc2\xa0" "290,00", out, sizeof out, &x, &w);
	assert_string_equal(out, "6\xc2\xa0" "290,00 " ALEF);
	/* a left-to-right screen: a line with Arabic in it has its Arabic run reversed in
	 * place, a line without is untouched but for the marks */
	t.rtl = 0;
	term_visual(&t, "Name " ALEF BEH, out, sizeof out, &x, &w);
	assert_string_equal(out, "Name " BEH ALEF);
	term_visual(&t, "agent1 10/9/8!\xe2\x80\x8e", out, sizeof out, &x, &w);
	assert_string_equal(out, "agent1 10/9/8!");
	/* a byte that is no UTF-8 reaches neither FriBidi nor the terminal (found by
	 * fuzz_table: term_fit used to copy it as it was) */
	assert_int_equal(term_fit("a\xb5z", 10, 0, 0, out, sizeof out), 3);
	assert_string_equal(out, "a?z");
	/* a terminal with its own bidi gets the logical order, marks included */
	t.rtl = 1, t.reorder = 0;
	term_visual(&t, ALEF BEH RLM " W1", out, sizeof out, &x, &w);
	assert_string_equal(out, ALEF BEH RLM " W1");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rows_complete),
		cmocka_unit_test(test_translated_sources),
		cmocka_unit_test(test_lookup_and_formats),
		cmocka_unit_test(test_national_and_printout_goldens),
		cmocka_unit_test(test_data_layer_details),
		cmocka_unit_test(test_behalf_note),
		cmocka_unit_test(test_reordering),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
