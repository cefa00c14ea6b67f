/* msg.h - the staff screens' texts in French, Arabic and English, and the local formats
 * of dates and numbers.  Every text a screen shows is written in the code in English
 * and looked up here in the one message table (msg_table.c: one row per text, three
 * columns); tests/test_msg.c checks that each text the screens use has its row and that
 * each row keeps its English's printf conversions.  Depends on nothing; UI child. */
#ifndef WQ_MSG_H
#define WQ_MSG_H

#include <stddef.h>
#include <stdint.h>

enum lang { LANG_EN, LANG_FR, LANG_AR, LANG_COUNT };

struct msg_row {
	const char *en, *fr, *ar;
};
extern const struct msg_row msg_table[];
extern const size_t msg_table_rows;

/* Marks a text translated where it is shown (table columns, screen titles), so that
 * tests/test_msg.c finds it. */
#define TX(s) (s)

/* A text whose English is also another text's (the complaint state "open", the key
 * "open"): the row's English is "context\004text", and English shows the text. */
#define CTX(c, s) (c "\004" s)

/* "fr" -> LANG_FR, "ar" -> LANG_AR, anything else LANG_EN; and back. */
enum lang msg_lang(const char *code);
const char *msg_lang_code(enum lang l);
/* en in lang; en itself in English or when the table has no row for it. */
const char *msg_tr(enum lang l, const char *en) __attribute__((format_arg(2)));
/* The row of en, or NULL. */
const struct msg_row *msg_find(const char *en);
/* The session's language, for the texts of table cells, whose callbacks get no
 * session: screen_set_lang() sets it with ui->lang (one session per UI child). */
void msg_use(enum lang l);
enum lang msg_session(void);
const char *tr_now(const char *en) __attribute__((format_arg(1)));
/* Centimes as the language writes money: "6380.00" (en), "6 380,00" (fr, ar; a no-break
 * space between the thousands). */
void msg_money(enum lang l, int64_t centimes, char *buf, size_t len);
/* A date "YYYY-MM-DD" (and what follows it, a time) as the language writes it:
 * unchanged in English, "DD/MM/YYYY" in French and Arabic. */
void msg_date(enum lang l, const char *iso, char *buf, size_t len);

#endif
