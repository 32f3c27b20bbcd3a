/* page: the C API over ctemplate, with an emitter streaming into out_. */
#include "config.h"

#include <climits>
#include <cstdlib>
#include <cstring>
#include <string>
#include <utility>
#include <vector>

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include <ctemplate/template.h>
#include <ctemplate/template_emitter.h>
#include <fcgiapp.h>

#include "err.h"
extern "C" {
#include "names.h"
}
#include "out.h"
#include "page.h"

/* Blank lines, and lines holding only tags (the AUTOESCAPE pragma, section
 * markers, comments), are dropped; every other byte is kept. */
static const ctemplate::Strip page_strip = ctemplate::STRIP_BLANK_LINES;

namespace {

typedef ctemplate::TemplateDictionaryInterface page_tdi;
typedef ctemplate::TemplateString page_ts;
typedef std::pair<const char *, size_t> page_bytes; /* a value's text */

/* The x-prerendered modifier writes a value exactly as it is. It is
 * registered as XSS-safe, so AUTOESCAPE adds nothing after it: it is only
 * for bytes ctemplate itself expanded, with AUTOESCAPE, for the same HTML
 * context (page_set_prerendered). */
class page_prerendered_modifier : public ctemplate::TemplateModifier {
public:
	void Modify(const char *in, size_t inlen, const ctemplate::PerExpandData *,
		    ctemplate::ExpandEmitter *outbuf, const std::string &) const override
	{
		outbuf->Emit(in, inlen);
	}
};

/* The x-name modifier shows a name (or a path, or a link's target) in HTML
 * text so that a person sees what it holds: it escapes it as the HTML
 * modifier would, and writes every odd character (names_char_at: controls,
 * invisible and direction-changing characters, unusual spaces, bytes that
 * are not UTF-8) as a marked label instead, <span class="odd">U+202E</span>
 * or <span class="odd">\xFF</span>, so that it neither hides nor reorders
 * the text around it, and cannot be mistaken for plain text. Registered
 * as XSS-safe: it is an escaper, for HTML text only. */
class page_name_modifier : public ctemplate::TemplateModifier {
public:
	void Modify(const char *in, size_t inlen, const ctemplate::PerExpandData *,
		    ctemplate::ExpandEmitter *out, const std::string &) const override
	{
		for (size_t i = 0; i < inlen;) {
			struct names_char c;

			names_char_at(in, inlen, i, &c);
			if (c.odd)
				emit_label(out, in[i], c.cp);
			else
				emit_escaped(out, in + i, c.len);
			i += c.len;
		}
	}

private:
	/* The marked label of an odd character (cp -1: the byte b). */
	static void emit_label(ctemplate::ExpandEmitter *out, char b, long cp)
	{
		char label[48];

		if (cp < 0)
			snprintf(label, sizeof label, "<span class=\"odd\">\\x%02X</span>",
				 (unsigned char)b);
		else
			snprintf(label, sizeof label, "<span class=\"odd\">U+%04lX</span>", cp);
		out->Emit(label);
	}

	/* len bytes of one ordinary character, HTML-escaped. */
	static void emit_escaped(ctemplate::ExpandEmitter *out, const char *s, size_t len)
	{
		switch (len == 1 ? *s : '\0') {
		case '&': out->Emit("&amp;"); break;
		case '<': out->Emit("&lt;"); break;
		case '>': out->Emit("&gt;"); break;
		case '"': out->Emit("&quot;"); break;
		case '\'': out->Emit("&#39;"); break;
		default: out->Emit(s, len);
		}
	}
};

/* Expansion output going into an out_ sink through a buffer of its own, so
 * that the many small pieces of a page (a tag, a value, an entity) cost a
 * copy each rather than a call into the sink. What is buffered goes out
 * when the buffer fills and when the emitter is flushed or destroyed. */
class page_emitter : public ctemplate::ExpandEmitter {
public:
	/* An emitter writing to o (which outlives it). */
	explicit page_emitter(struct out *o) : o_(o), used_(0) {}

	/* Write what is buffered. */
	~page_emitter() override { flush(); }

	/* Hand what is buffered to the sink. */
	void flush()
	{
		if (used_ > 0)
			out_write(o_, buf_, used_);
		used_ = 0;
	}

	/* One byte. */
	void Emit(char c) override { Emit(&c, 1); }

	/* A C++ string. */
	void Emit(const std::string &s) override { Emit(s.data(), s.size()); }

	/* A NUL-terminated string. */
	void Emit(const char *s) override { Emit(s, strlen(s)); }

	/* slen bytes: copied into the buffer, or straight through when they
	 * would not fit in an empty one. */
	void Emit(const char *s, size_t slen) override
	{
		if (slen > sizeof buf_ - used_) {
			flush();
			if (slen >= sizeof buf_) {
				out_write(o_, s, slen);
				return;
			}
		}
		memcpy(buf_ + used_, s, slen);
		used_ += slen;
	}

private:
	struct out *o_;
	size_t used_;
	char buf_[16384];
};

/* The protected questions of any dictionary (its values, sections and
 * includes), asked the one way C++ lets a derived class ask them of
 * another object: through pointers to members named via the derived
 * class. Never instantiated. */
struct page_access : page_tdi {
	/* The iterator over a section's dictionaries, named for all. */
	typedef Iterator iterator;

	/* A value, looked up as the dictionary does (its own, then above). */
	static page_ts value(const page_tdi &d, const page_ts &name)
	{
		return (d.*&page_access::GetValue)(name);
	}

	/* Whether a section is hidden. */
	static bool hidden(const page_tdi &d, const page_ts &name)
	{
		return (d.*&page_access::IsHiddenSection)(name);
	}

	/* Whether a section was explicitly shown. */
	static bool unhidden(const page_tdi &d, const page_ts &name)
	{
		return (d.*&page_access::IsUnhiddenSection)(name);
	}

	/* Whether an include is hidden. */
	static bool hidden_template(const page_tdi &d, const page_ts &name)
	{
		return (d.*&page_access::IsHiddenTemplate)(name);
	}

	/* The file of an include. */
	static const char *include_name(const page_tdi &d, const page_ts &name, int n)
	{
		return (d.*&page_access::GetIncludeTemplateName)(name, n);
	}

	/* The dictionaries of a section (the caller deletes the iterator). */
	static iterator *sections(const page_tdi &d, const page_ts &name)
	{
		return (d.*&page_access::CreateSectionIterator)(name);
	}

	/* The dictionaries of an include (the caller deletes the iterator). */
	static iterator *templates(const page_tdi &d, const page_ts &name)
	{
		return (d.*&page_access::CreateTemplateIterator)(name);
	}

	/* A description of the dictionary, for debugging. */
	static void dump(const page_tdi &d, std::string *out, int level)
	{
		(d.*&page_access::DumpToString)(out, level);
	}
};

/* What page_add_lazy_section stores, as the bytes of a value of the
 * section's one real dictionary (the marker) under page_lazy_key. */
struct page_lazy {
	size_t count;
	page_row_fill fill;
	void *ctx;
};

/* A name no template variable can have (templates' names are words). */
static const char page_lazy_key[] = "page.cc lazy section";

/* Whether d is the marker of a lazy section; if so, what it holds. */
static bool page_lazy_of(const page_tdi &d, struct page_lazy *lazy)
{
	page_ts v = page_access::value(d, page_ts(page_lazy_key, sizeof page_lazy_key - 1));

	if (v.size() != sizeof *lazy)
		return false;
	memcpy(lazy, v.data(), sizeof *lazy);
	return lazy->fill != NULL;
}

typedef page_access::iterator page_iterator;

/* An iterator over nothing: a section shown once with the dictionary that
 * holds it. A row shows several sections, each asking ctemplate for one
 * of these, deleted at once: they come from a free list, not the heap. */
class page_once_iterator : public page_iterator {
public:
	/* A new one (ctemplate deletes it). */
	static page_iterator *make() { return new page_once_iterator(); }

	bool HasNext() const override { return false; }
	const page_tdi &Next() override { abort(); }

	/* Take a block from the free list, or from the heap. */
	static void *operator new(size_t size)
	{
		node *n = free_;

		if (n == NULL)
			return ::operator new(size);
		free_ = n->next;
		return n;
	}

	/* Give a block back to the free list. */
	static void operator delete(void *p)
	{
		node *n = static_cast<node *>(p);

		n->next = free_;
		free_ = n;
	}

private:
	struct node {
		node *next;
	};
	static thread_local node *free_;
};

thread_local page_once_iterator::node *page_once_iterator::free_ = NULL;

/* Answers that do not change while a page expands (a dictionary's value
 * or section, from the marker of a lazy section and above), remembered
 * for the rows by the name's text: the template's own copy, the same for
 * every row. Holds a few; beyond that, answers are not remembered. */
template <typename T> class page_memo {
public:
	page_memo() : used_(0) {}

	/* Forget everything. */
	void clear() { used_ = 0; }

	/* The answer remembered for name, or NULL. */
	const T *find(const page_ts &name) const
	{
		for (size_t i = 0; i < used_; i++) {
			if (names_[i] == name.data() && sizes_[i] == name.size())
				return &answers_[i];
		}
		return NULL;
	}

	/* Remember the answer for name, when there is room. */
	void add(const page_ts &name, const T &answer)
	{
		if (used_ == sizeof names_ / sizeof names_[0])
			return;
		names_[used_] = name.data();
		sizes_[used_] = name.size();
		answers_[used_++] = answer;
	}

private:
	size_t used_;
	const char *names_[16];
	size_t sizes_[16];
	T answers_[16];
};

class page_proxy_iterator;

/* A dictionary seen through a proxy: every question gets the real
 * dictionary's answer, and the dictionaries it hands out (sections,
 * includes) are proxied too, so that a lazy section anywhere below is
 * expanded row by row. */
class page_proxy : public page_tdi {
public:
	/* A proxy for real (which may be set later with point). */
	explicit page_proxy(const page_tdi *real = NULL) : real_(real) {}

	/* Make this the proxy of real. */
	void point(const page_tdi *real) { real_ = real; }

	/* The dictionaries of a section, proxied (lazy ones filled row by
	 * row); defined below. */
	static page_iterator *proxy_sections(const page_tdi &real, const page_ts &name);

protected:
	page_ts GetValue(const page_ts &name) const override
	{
		return page_access::value(*real_, name);
	}
	bool IsHiddenSection(const page_ts &name) const override
	{
		return page_access::hidden(*real_, name);
	}
	bool IsUnhiddenSection(const page_ts &name) const override
	{
		return page_access::unhidden(*real_, name);
	}
	bool IsHiddenTemplate(const page_ts &name) const override
	{
		return page_access::hidden_template(*real_, name);
	}
	const char *GetIncludeTemplateName(const page_ts &name, int n) const override
	{
		return page_access::include_name(*real_, name, n);
	}
	page_iterator *CreateSectionIterator(const page_ts &name) const override
	{
		return proxy_sections(*real_, name);
	}
	page_iterator *CreateTemplateIterator(const page_ts &name) const override;
	void DumpToString(std::string *out, int level) const override
	{
		page_access::dump(*real_, out, level);
	}

private:
	const page_tdi *real_;
};

/* A key (a value's, a section's or an include's name) and what it maps
 * to (a value's bytes, an include's file). */
struct page_entry {
	const char *key;
	size_t key_len;
	const char *value;
	size_t len;
};

/* The entries of a row: a few in place (a row sets a dozen or so), any
 * more on the heap; cleared, not freed, between rows. */
class page_entries {
public:
	page_entries() : used_(0) {}

	/* Forget every entry. */
	void clear()
	{
		used_ = 0;
		more_.clear();
	}

	/* Add an entry. */
	void add(const char *key, const char *value, size_t len)
	{
		page_entry e = {key, strlen(key), value, len};

		if (used_ < sizeof fixed_ / sizeof fixed_[0])
			fixed_[used_++] = e;
		else
			more_.push_back(e);
	}

	/* The entry named name, or NULL. */
	const page_entry *find(const page_ts &name) const
	{
		for (size_t i = 0; i < used_; i++) {
			if (same(fixed_[i], name))
				return &fixed_[i];
		}
		for (const page_entry &e : more_) {
			if (same(e, name))
				return &e;
		}
		return NULL;
	}

private:
	/* Whether e is named name (the first byte tells most apart). */
	static bool same(const page_entry &e, const page_ts &name)
	{
		return e.key_len == name.size() && e.key_len > 0 && e.key[0] == name.data()[0] &&
		       memcmp(e.key, name.data(), e.key_len) == 0;
	}

	size_t used_;
	page_entry fixed_[24];
	std::vector<page_entry> more_;
};

/* One row of a lazy section: the values, sections and includes its fill
 * set, and, for everything else, the marker dictionary (and above). */
class page_row_dict : public page_tdi {
public:
	/* A row whose fallback is the marker (set by start). */
	page_row_dict() : marker_(NULL) {}

	/* Forget the last row's values; the next row falls back on marker
	 * (and what it answered before, when it is the same marker). */
	void start(const page_tdi *marker)
	{
		if (marker != marker_) {
			values_memo_.clear();
			hidden_memo_.clear();
			unhidden_memo_.clear();
		}
		marker_ = marker;
		values_.clear();
		shown_.clear();
		includes_.clear();
	}

	/* Set a value (bytes not copied). */
	void set(const char *key, const char *value, size_t len)
	{
		values_.add(key, value, len);
	}

	/* Show a section once. */
	void show(const char *section)
	{
		shown_.add(section, NULL, 0);
	}

	/* Fill an include with a file. */
	void include(const char *name, const char *file)
	{
		includes_.add(name, file, strlen(file));
	}

protected:
	page_ts GetValue(const page_ts &name) const override
	{
		const page_entry *e = values_.find(name);

		return e != NULL ? page_ts(e->value, e->len) : marker_value(name);
	}
	bool IsHiddenSection(const page_ts &name) const override
	{
		return shown_.find(name) == NULL && marker_hidden(name);
	}
	bool IsUnhiddenSection(const page_ts &name) const override
	{
		return shown_.find(name) != NULL || marker_unhidden(name);
	}
	bool IsHiddenTemplate(const page_ts &name) const override
	{
		return includes_.find(name) == NULL && page_access::hidden_template(*marker_, name);
	}
	const char *GetIncludeTemplateName(const page_ts &name, int n) const override
	{
		const page_entry *e = includes_.find(name);

		return e != NULL ? e->value : page_access::include_name(*marker_, name, n);
	}
	page_iterator *CreateSectionIterator(const page_ts &name) const override
	{
		if (shown_.find(name) != NULL)
			return page_once_iterator::make();
		return page_proxy::proxy_sections(*marker_, name);
	}
	page_iterator *CreateTemplateIterator(const page_ts &name) const override;
	void DumpToString(std::string *out, int level) const override
	{
		out->append(static_cast<size_t>(level), ' ');
		out->append("lazy row\n");
	}

private:
	/* A value from the marker and above. */
	page_ts marker_value(const page_ts &name) const
	{
		const page_bytes *known = values_memo_.find(name);

		if (known == NULL) {
			page_ts v = page_access::value(*marker_, name);

			values_memo_.add(name, page_bytes(v.data(), v.size()));
			return v;
		}
		return page_ts(known->first, known->second);
	}

	/* Whether the marker and above hide a section. */
	bool marker_hidden(const page_ts &name) const
	{
		const bool *known = hidden_memo_.find(name);
		bool hidden = known != NULL ? *known : page_access::hidden(*marker_, name);

		if (known == NULL)
			hidden_memo_.add(name, hidden);
		return hidden;
	}

	/* Whether the marker and above show a section explicitly. */
	bool marker_unhidden(const page_ts &name) const
	{
		const bool *known = unhidden_memo_.find(name);
		bool unhidden = known != NULL ? *known : page_access::unhidden(*marker_, name);

		if (known == NULL)
			unhidden_memo_.add(name, unhidden);
		return unhidden;
	}

	const page_tdi *marker_;
	page_entries values_, shown_, includes_;
	mutable page_memo<page_bytes> values_memo_;
	mutable page_memo<bool> hidden_memo_, unhidden_memo_;
};

/* The dictionaries of a section or include, each handed out through a
 * proxy; a lazy section's marker is replaced by its rows, each filled
 * just before it is handed out. */
class page_proxy_iterator : public page_iterator {
public:
	/* Iterate over what real yields (the iterator is ours to delete). */
	explicit page_proxy_iterator(page_iterator *real)
		: real_(real), lazy_(), next_row_(0), marker_(NULL) {}

	~page_proxy_iterator() override { delete real_; }

	/* Whether a row or a dictionary is left. */
	bool HasNext() const override
	{
		return next_row_ < lazy_.count || real_->HasNext();
	}

	/* The next row, or the next dictionary behind a proxy. */
	const page_tdi &Next() override
	{
		if (next_row_ >= lazy_.count) {
			const page_tdi &d = real_->Next();

			if (!page_lazy_of(d, &lazy_)) {
				lazy_.count = 0;
				proxy_.point(&d);
				return proxy_;
			}
			marker_ = &d;
			next_row_ = 0;
		}
		row_.start(marker_);
		lazy_.fill(lazy_.ctx, next_row_++, reinterpret_cast<struct page_row *>(&row_));
		return row_;
	}

private:
	page_iterator *real_;
	struct page_lazy lazy_;  /* the lazy section being walked (count 0: none) */
	size_t next_row_;
	const page_tdi *marker_;
	page_proxy proxy_;
	page_row_dict row_;
};

/* The dictionaries of a section, proxied. */
page_iterator *page_proxy::proxy_sections(const page_tdi &real, const page_ts &name)
{
	return new page_proxy_iterator(page_access::sections(real, name));
}

/* The dictionaries of an include, proxied. */
page_iterator *page_proxy::CreateTemplateIterator(const page_ts &name) const
{
	return new page_proxy_iterator(page_access::templates(*real_, name));
}

/* A row's include is expanded with the row itself; others come from the
 * marker (and above), proxied. */
page_iterator *page_row_dict::CreateTemplateIterator(const page_ts &name) const
{
	if (includes_.find(name) != NULL)
		return page_once_iterator::make();
	return new page_proxy_iterator(page_access::templates(*marker_, name));
}

} /* namespace */

/* The dictionary behind a handle: struct page_dict is never defined, a
 * handle is the TemplateDictionary itself. */
static ctemplate::TemplateDictionary *page_td(struct page_dict *d)
{
	return reinterpret_cast<ctemplate::TemplateDictionary *>(d);
}

/* The handle for a dictionary. */
static struct page_dict *page_handle(ctemplate::TemplateDictionary *td)
{
	return reinterpret_cast<struct page_dict *>(td);
}

/* Register the x-prerendered and x-name modifiers (once per process,
 * before any template is parsed). */
static void page_register_modifiers(void)
{
	static page_prerendered_modifier prerendered;
	static page_name_modifier name;
	static bool done;

	if (!done)
		done = ctemplate::AddXssSafeModifier("x-prerendered", &prerendered) &&
		       ctemplate::AddXssSafeModifier("x-name", &name);
}

/* Point the default template cache at dir after checking it is a directory
 * this process can list and read from. */
extern "C" err_t page_set_root(const char *dir)
{
	try {
		struct stat st;

		if (dir == NULL || stat(dir, &st) != 0 || !S_ISDIR(st.st_mode) ||
		    access(dir, R_OK | X_OK) != 0)
			return ERR_NOT_FOUND;
		if (!ctemplate::mutable_default_template_cache()->SetTemplateRootDirectory(dir))
			return ERR_IO;
		page_register_modifiers();
		return ERR_OK;
	} catch (...) {
		return ERR_IO;
	}
}

/* A new top-level dictionary, or NULL. */
extern "C" struct page_dict *page_dict_new(const char *name)
{
	try {
		if (name == NULL)
			return NULL;
		return page_handle(new ctemplate::TemplateDictionary(name));
	} catch (...) {
		return NULL;
	}
}

/* Free a top-level dictionary; its section and include dictionaries go
 * with it. */
extern "C" void page_dict_free(struct page_dict *d)
{
	try {
		delete page_td(d);
	} catch (...) {
	}
}

/* Set a variable from a NUL-terminated value. */
extern "C" void page_set(struct page_dict *d, const char *key, const char *value)
{
	try {
		if (value != NULL)
			page_set_n(d, key, value, strlen(value));
	} catch (...) {
	}
}

/* Set a variable from len bytes; the dictionary copies them into its
 * arena. A NUL byte ends the value early, so none is ever emitted. */
extern "C" void page_set_n(struct page_dict *d, const char *key, const char *value, size_t len)
{
	try {
		const void *nul;

		if (d == NULL || key == NULL || value == NULL)
			return;
		nul = memchr(value, '\0', len);
		if (nul != NULL)
			len = (size_t)(static_cast<const char *>(nul) - value);
		page_td(d)->SetValue(key, ctemplate::TemplateString(value, len));
	} catch (...) {
	}
}

/* Set a variable to bytes already expanded, without copying them. */
extern "C" void page_set_prerendered(struct page_dict *d, const char *key, const char *html,
				     size_t len)
{
	try {
		if (d == NULL || key == NULL || html == NULL)
			return;
		page_td(d)->SetValueWithoutCopy(key, ctemplate::TemplateString(html, len));
	} catch (...) {
	}
}

/* Set an integer variable (printed in decimal). */
extern "C" void page_set_int(struct page_dict *d, const char *key, long long value)
{
	try {
		if (d == NULL || key == NULL)
			return;
#if LONG_MAX >= LLONG_MAX
		page_td(d)->SetIntValue(key, static_cast<long>(value));
#else
		page_td(d)->SetFormattedValue(key, "%lld", value);
#endif
	} catch (...) {
	}
}

/* Set a template-global variable (SetTemplateGlobalValue): it is seen by
 * every dictionary of the tree d belongs to (top level, sections and
 * includes), whichever of them it is set on, unless one sets its own value
 * of that name. Never the process-wide SetGlobalValue. */
extern "C" void page_set_global(struct page_dict *d, const char *key, const char *value)
{
	try {
		if (d == NULL || key == NULL || value == NULL)
			return;
		page_td(d)->SetTemplateGlobalValue(key, value);
	} catch (...) {
	}
}

/* Show a section once with d's own values. */
extern "C" void page_show(struct page_dict *d, const char *section)
{
	try {
		if (d == NULL || section == NULL)
			return;
		page_td(d)->ShowSection(section);
	} catch (...) {
	}
}

/* Add one repetition of a section; the new dictionary belongs to d and
 * looks up what it lacks in d. */
extern "C" struct page_dict *page_add_section(struct page_dict *d, const char *section)
{
	try {
		if (d == NULL || section == NULL)
			return NULL;
		return page_handle(page_td(d)->AddSectionDictionary(section));
	} catch (...) {
		return NULL;
	}
}

/* Fill an include with a file; the new dictionary belongs to d but sees
 * only its own values and the template-global ones, not d's. */
extern "C" struct page_dict *page_add_include(struct page_dict *d, const char *name,
					      const char *file)
{
	try {
		ctemplate::TemplateDictionary *sub;

		if (d == NULL || name == NULL || file == NULL)
			return NULL;
		sub = page_td(d)->AddIncludeDictionary(name);
		sub->SetFilename(file);
		return page_handle(sub);
	} catch (...) {
		return NULL;
	}
}

/* Add a lazy section: one real section dictionary (the marker) holding,
 * as the bytes of a value, how to fill the rows. */
extern "C" void page_add_lazy_section(struct page_dict *d, const char *section, size_t count,
				      page_row_fill fill, void *ctx)
{
	try {
		struct page_lazy lazy = {count, fill, ctx};
		ctemplate::TemplateDictionary *marker;

		if (d == NULL || section == NULL || fill == NULL || count == 0)
			return;
		marker = page_td(d)->AddSectionDictionary(section);
		marker->SetValue(page_ts(page_lazy_key, sizeof page_lazy_key - 1),
				 page_ts(reinterpret_cast<const char *>(&lazy), sizeof lazy));
	} catch (...) {
	}
}

/* The row behind a handle. */
static page_row_dict *page_row_of(struct page_row *row)
{
	return reinterpret_cast<page_row_dict *>(row);
}

/* Set a row's value (not copied); a NUL ends it early. */
extern "C" void page_row_set(struct page_row *row, const char *key, const char *value, size_t len)
{
	try {
		const void *nul;

		if (row == NULL || key == NULL || value == NULL)
			return;
		nul = memchr(value, '\0', len);
		if (nul != NULL)
			len = (size_t)(static_cast<const char *>(nul) - value);
		page_row_of(row)->set(key, value, len);
	} catch (...) {
	}
}

/* Set a row's value from a NUL-terminated string (not copied). */
extern "C" void page_row_set_str(struct page_row *row, const char *key, const char *value)
{
	if (value != NULL)
		page_row_set(row, key, value, strlen(value));
}

/* Show a section of the row. */
extern "C" void page_row_show(struct page_row *row, const char *section)
{
	try {
		if (row != NULL && section != NULL)
			page_row_of(row)->show(section);
	} catch (...) {
	}
}

/* Fill an include of the row. */
extern "C" void page_row_include(struct page_row *row, const char *name, const char *file)
{
	try {
		if (row != NULL && name != NULL && file != NULL)
			page_row_of(row)->include(name, file);
	} catch (...) {
	}
}

/* Expand a template through the default cache (each file is read and
 * parsed once per process, and a failure is remembered as well) into o,
 * with the dictionary seen through a proxy that expands lazy sections.
 * A missing or broken top-level template writes nothing; a missing
 * include is only noticed during expansion, after part of the page went
 * out. */
extern "C" err_t page_expand(const char *file, struct page_dict *d, struct out *o)
{
	try {
		if (file == NULL || d == NULL || o == NULL)
			return ERR_IO;

		page_emitter emitter(o);
		page_proxy root(page_td(d));
		bool ok = ctemplate::ExpandTemplate(file, page_strip, &root, &emitter);

		emitter.flush();
		return ok ? ERR_OK : ERR_NOT_FOUND;
	} catch (...) {
		return ERR_IO;
	}
}
