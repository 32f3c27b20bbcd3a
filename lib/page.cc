/* page: the C API over ctemplate, with an emitter streaming into out_. */
#include "config.h"

#include <climits>
#include <cstring>
#include <string>

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include <ctemplate/template.h>
#include <ctemplate/template_emitter.h>
#include <fcgiapp.h>

#include "err.h"
#include "out.h"
#include "page.h"

/* Blank lines, and lines holding only tags (the AUTOESCAPE pragma, section
 * markers, comments), are dropped; every other byte is kept. */
static const ctemplate::Strip page_strip = ctemplate::STRIP_BLANK_LINES;

namespace {

/* Expansion output going straight into an out_ sink, never into a string. */
class page_emitter : public ctemplate::ExpandEmitter {
public:
	/* An emitter writing to o (which outlives it). */
	explicit page_emitter(struct out *o) : o_(o) {}

	/* One byte. */
	void Emit(char c) override { out_write(o_, &c, 1); }

	/* A C++ string. */
	void Emit(const std::string &s) override { out_write(o_, s.data(), s.size()); }

	/* A NUL-terminated string. */
	void Emit(const char *s) override { out_puts(o_, s); }

	/* slen bytes. */
	void Emit(const char *s, size_t slen) override { out_write(o_, s, slen); }

private:
	struct out *o_;
};

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

/* Expand a template through the default cache (each file is read and
 * parsed once per process, and a failure is remembered as well) into o.
 * A missing or broken top-level template writes nothing; a missing
 * include is only noticed during expansion, after part of the page went
 * out. */
extern "C" err_t page_expand(const char *file, struct page_dict *d, struct out *o)
{
	try {
		if (file == NULL || d == NULL || o == NULL)
			return ERR_IO;

		page_emitter emitter(o);
		if (!ctemplate::ExpandTemplate(file, page_strip, page_td(d), &emitter))
			return ERR_NOT_FOUND;
		return ERR_OK;
	} catch (...) {
		return ERR_IO;
	}
}
