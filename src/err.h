/* err.h - the closed list of error codes every layer returns, and the buffer that
 * carries the detail (which field, what was expected) up to the layer that talks to a
 * person.  Codes are appended, never renumbered: tests and logs rely on the numbers. */
#ifndef WQ_ERR_H
#define WQ_ERR_H

enum wq_err {
	WQ_OK = 0,
	WQ_EINVAL,	/* bad input: a field is missing or malformed */
	WQ_ENOTFOUND,	/* no such request, user, office... (or not in scope) */
	WQ_EDENIED,	/* the actor's role or scope does not allow it */
	WQ_ECONFLICT,	/* state or version moved under us (someone else acted first) */
	WQ_EBUSY,	/* the database stayed locked past the busy timeout */
	WQ_EGATEWAY,	/* an outside service (payment, SMS, post) failed */
	WQ_EIO,		/* disk, database corruption, out of memory */
	WQ_ERR_COUNT
};

#define WQ_ERR_ARGS	   8
#define WQ_ERR_ARG_BYTES 96

/* Detail for the caller: which field (empty if none) and a sentence for a person, in
 * English; and the same sentence as its format, a stable English key that a screen
 * looks up in its message table, with each argument already written out, to be put
 * back in order into the translation (wq_err_render).  The layers below the screens
 * know no language. */
struct wq_errbuf {
	enum wq_err code;
	char field[32];
	char msg[256];
	char fmt[200];
	char args[WQ_ERR_ARGS][WQ_ERR_ARG_BYTES];
	int nargs; /* -1: the key was not kept (too long, too many or too long arguments) */
};

/* Sets eb (if non-NULL) and returns code, so callers can `return wq_fail(...)`. */
int wq_fail(struct wq_errbuf *eb, enum wq_err code, const char *field,
	    const char *fmt, ...) __attribute__((format(printf, 4, 5)));
void wq_errbuf_clear(struct wq_errbuf *eb);
/* eb's sentence written with fmt, a translation of eb->fmt with the same conversions
 * in the same order: each conversion takes the next argument as wq_fail wrote it.
 * 0, or -1 when eb kept no key (out then holds eb->msg). */
int wq_err_render(const struct wq_errbuf *eb, const char *fmt, char *out, size_t len);

/* Short name of a code in the given language ("ar" or "fr"; anything else: English). */
const char *wq_strerror(int code, const char *lang);

#endif
