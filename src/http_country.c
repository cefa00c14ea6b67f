/* http_country.c - the delivery country on the order form (Moroccans abroad, issue 13
 * item 5): its list (Morocco first, the diaspora's countries, then every other country
 * of etc/countries.conf, by name in the page's language, in parts), and the checks that depend on it: the postal code by the
 * country's pattern (etc/patterns.conf, postal_code.CC), the phone number read in the
 * country's national form or with its "+" calling code and kept in E.164
 * ("+33612345678"; Moroccan numbers keep the form they always had).  HTTP worker
 * threads; no SQL. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "country.h"
#include "http_internal.h"
#include "request.h"

/* The list in parts, so that the order form stays under PAGE_MAX_BYTES beside the
 * birth place's lists: part 0 is Morocco, then the countries of the diaspora (those
 * with a calling code in etc/countries.conf) by name; the other parts every other
 * country by name, at most COUNTRY_PART_BYTES of options each, walked with submit
 * buttons named "kpage" as the place lists are (no JavaScript). */
#define COUNTRY_PART_BYTES 2200

struct by_name {
	const struct country *c;
	int ar;
};

static int cmp_name(const void *a, const void *b)
{
	const struct by_name *x = a, *y = b;
	if (!x->c->zone != !y->c->zone) /* Morocco first */
		return x->c->zone ? 1 : -1;
	if (!x->c->dial[0] != !y->c->dial[0]) /* then the diaspora's countries */
		return x->c->dial[0] ? -1 : 1;
	return strcmp(x->ar ? x->c->name_ar : x->c->name_fr, y->ar ? y->c->name_ar : y->c->name_fr);
}

static void option(struct buf *o, const struct country *k, int ar, int selected)
{
	/* no </option>: HTML ends an option at the next one */
	buf_printf(o, "<option value=%s%s>", k->code, selected ? " selected" : "");
	buf_html(o, ar ? k->name_ar : k->name_fr);
}

int country_navigating(struct http_ctx *c)
{
	return form_get(&c->form, "kpage") != NULL;
}

void country_field(struct http_ctx *c, const char *name, const char *cur, const char *attrs)
{
	const struct country_table *t = &c->app->countries;
	struct by_name *v = calloc((size_t)t->n, sizeof *v);
	struct buf *o = &c->out;
	int ar = !strcmp(c->lang, "ar"), n = v ? t->n : 0;
	if (!cur || !cur[0])
		cur = "MA";
	for (int i = 0; i < n; i++)
		v[i] = (struct by_name){&t->c[i], ar};
	qsort(v, (size_t)n, sizeof *v, cmp_name);
	/* cut: part of each option, by the bytes of the parts before it */
	int *part = calloc((size_t)n + 1, sizeof *part), parts = 1, cur_part = 0;
	size_t used = 0;
	for (int i = 0; part && i < n; i++) {
		size_t len = 24 + strlen(ar ? v[i].c->name_ar : v[i].c->name_fr);
		if (i && (!v[i].c->dial[0] && (v[i - 1].c->dial[0] || used + len > COUNTRY_PART_BYTES))) {
			parts++;
			used = 0;
		}
		part[i] = parts - 1;
		used += len;
		if (!strcmp(v[i].c->code, cur))
			cur_part = part[i];
	}
	const char *kp = http_arg(c, "kpage");
	int show = kp ? atoi(kp) : cur_part;
	if (show < 0 || show >= parts)
		show = cur_part;
	buf_printf(o, "<select id=\"%s\" name=\"%s\" autocomplete=\"country\"%s>", name, name,
		   attrs);
	for (int i = 0; part && i < n; i++) /* the chosen one, from another part */
		if (!strcmp(v[i].c->code, cur) && part[i] != show)
			option(o, v[i].c, ar, 1);
	for (int i = 0; part && i < n; i++)
		if (part[i] == show)
			option(o, v[i].c, ar, !strcmp(v[i].c->code, cur));
	buf_puts(o, "</select>\n");
	list_pager(c, "kpage", show, parts, show ? T_LIST_NEXT : T_COUNTRY_MORE);
	free(part);
	free(v);
}

static int digits_only(const char *s, size_t lo, size_t hi)
{
	size_t n = strlen(s);
	if (n < lo || n > hi)
		return 0;
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return 0;
	return 1;
}

/* The phone number p (normalised: no spaces nor separators) for a delivery in k, in
 * out: "+" and 8 to 15 digits, or a Moroccan number as the phone pattern takes it.
 * T_COUNT if good, else the error, with its example in hint. */
static enum txt phone_check(struct http_ctx *c, const struct country *k, const char *p,
			    char *out, size_t len, char *hint, size_t hlen)
{
	const struct validator *v = c->app->val;
	const struct country_table *t = &c->app->countries;
	char name[24], intl[24];
	hint[0] = 0;
	if (!strncmp(p, "00", 2)) { /* the international prefix people dial from Europe */
		snprintf(intl, sizeof intl, "+%s", p + 2);
		p = intl;
	}
	if (p[0] == '+') {
		const char *d = p + 1;
		if (!digits_only(d, 8, 15) || d[0] == '0')
			return T_E_PHONE_INTL;
		if (!strncmp(d, "212", 3)) /* a Moroccan number, from anywhere */
			return validate_match(v, "phone", p) ? (snprintf(out, len, "%s", p), T_COUNT)
							     : T_E_PHONE;
		const struct country *from = country_by_dial(t, d);
		if (from) {
			snprintf(name, sizeof name, "phone.%s", from->code);
			if (validate_has(v, name) &&
			    !validate_match(v, name, d + strlen(from->dial))) {
				snprintf(hint, hlen, "+%s %s", from->dial, from->phone_example);
				return T_E_PHONE_ABROAD;
			}
		}
		snprintf(out, len, "+%s", d);
		return T_COUNT;
	}
	if (!strcmp(k->code, "MA"))
		return validate_match(v, "phone", p) ? (snprintf(out, len, "%s", p), T_COUNT)
						     : T_E_PHONE;
	snprintf(name, sizeof name, "phone.%s", k->code);
	if (!k->dial[0] || !validate_has(v, name))
		return T_E_PHONE_INTL; /* no national form known here: the "+" form */
	const char *nat = p;
	if (k->trunk[0] && !strncmp(nat, k->trunk, strlen(k->trunk)))
		nat += strlen(k->trunk);
	if (!digits_only(nat, 4, 14) || !validate_match(v, name, nat) ||
	    strlen(k->dial) + strlen(nat) > 15) {
		snprintf(hint, hlen, "%s%s", k->trunk[0] && strcmp(k->trunk, "1") ? k->trunk : "",
			 k->phone_example);
		return T_E_PHONE_ABROAD;
	}
	snprintf(out, len, "+%s%s", k->dial, nat);
	return T_COUNT;
}

static void set_err(struct order_input *in, int i, enum txt e)
{
	if (in->err[i] == T_COUNT && e != T_COUNT) {
		in->err[i] = e;
		in->nerr++;
	}
}

void order_check_delivery(struct http_ctx *c, struct order_input *in, int f_country,
			  int f_postal, int f_phone, struct request *r)
{
	const struct validator *v = c->app->val;
	const struct country *k = country_find(&c->app->countries,
					       in->val[f_country][0] ? in->val[f_country] : "MA");
	if (!k) {
		set_err(in, f_country, T_E_COUNTRY);
		return;
	}
	snprintf(r->country, sizeof r->country, "%s", k->code);
	snprintf(in->val[f_country], sizeof in->val[f_country], "%s", k->code);
	/* the postal code: the country's own pattern, else the general one; none needed
	 * where the country has no postal codes */
	const char *pc = in->val[f_postal];
	char name[24];
	snprintf(name, sizeof name, "postal_code.%s", k->code);
	if (in->err[f_postal] == T_COUNT) {
		if (!pc[0] && strcmp(k->postal_example, "-"))
			set_err(in, f_postal, T_E_REQUIRED);
		else if (pc[0] && validate_has(v, name) && !validate_match(v, name, pc)) {
			snprintf(in->hint[f_postal], sizeof in->hint[0], "%s", k->postal_example);
			set_err(in, f_postal, strcmp(k->code, "MA") ? T_E_POSTAL_ABROAD
								    : T_E_POSTAL_CODE);
		} else if (pc[0] && !validate_has(v, name) &&
			   !validate_match(v, "postal_code", pc)) {
			set_err(in, f_postal, T_E_POSTAL_INTL);
		} else if (strlen(pc) < sizeof r->postal_code) {
			memcpy(r->postal_code, pc, strlen(pc) + 1);
		} else {
			set_err(in, f_postal, T_E_POSTAL_INTL);
		}
	}
	if (in->err[f_phone] == T_COUNT && in->val[f_phone][0])
		set_err(in, f_phone,
			phone_check(c, k, in->val[f_phone], r->phone, sizeof r->phone,
				    in->hint[f_phone], sizeof in->hint[0]));
}
