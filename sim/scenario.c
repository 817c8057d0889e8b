/* scenario.c - read, merge, override and check scenario files (scenario.h).
 *
 * libinih does the INI parsing. We hand it the file through our own reader
 * so that we know the line of every key (Debian's libinih is built without
 * INI_HANDLER_LINENO) and can refuse, before inih sees them, what it would
 * otherwise silently truncate: long lines, long names, binary data. */
#define _GNU_SOURCE
#include "scenario.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ini.h>

#define MAX_LINE 4096   /* bytes in one line of a scenario file */
#define MAX_NAME 48     /* bytes in a section or key name (inih keeps 50) */
#define MAX_DEPTH 16    /* extends chain */

/* ------------------------------------------------------------ entries */

static void value_free(sim_value *v)
{
    free(v->str);
    for (size_t i = 0; v->names && i < v->n; i++) free(v->names[i]);
    free(v->names);
    free(v->nums);
    sim_dist_free(&v->dist);
    memset(v, 0, sizeof *v);
}

static void entry_free(sim_entry *e)
{
    free(e->section), free(e->key), free(e->full), free(e->text), free(e->file);
    for (size_t i = 0; i < e->ncites; i++) free(e->cites[i]);
    free(e->cites);
    value_free(&e->v);
    memset(e, 0, sizeof *e);
}

static sim_entry *add_entry(sim_scenario *sc)
{
    if (sc->n == sc->cap) {
        sc->cap = sc->cap ? 2 * sc->cap : 32;
        sc->e = sim_realloc(sc->e, sc->cap * sizeof *sc->e);
    }
    sim_entry *e = &sc->e[sc->n++];
    memset(e, 0, sizeof *e);
    return e;
}

static void set_entry(sim_entry *e, const char *section, const char *key, const char *text,
                      const char *file, int line)
{
    e->section = sim_strdup(section);
    e->key = sim_strdup(key);
    e->full = sim_asprintf("%s.%s", section, key);
    e->text = sim_strdup(text);
    e->file = sim_strdup(file);
    e->line = line;
}

static long find_entry(const sim_scenario *sc, const char *section, const char *key)
{
    for (size_t i = 0; i < sc->n; i++)
        if (strcmp(sc->e[i].section, section) == 0 && strcmp(sc->e[i].key, key) == 0)
            return (long)i;
    return -1;
}

static void remove_at(sim_scenario *sc, size_t i)
{
    entry_free(&sc->e[i]);
    memmove(&sc->e[i], &sc->e[i + 1], (sc->n - i - 1) * sizeof *sc->e);
    sc->n--;
}

static void add_secline(sim_scenario *sc, const char *section, const char *file, int line, bool cite_like)
{
    for (size_t i = 0; i < sc->nsec; i++)
        if (strcmp(sc->sec[i].section, section) == 0) return;
    sc->sec = sim_realloc(sc->sec, (sc->nsec + 1) * sizeof *sc->sec);
    sc->sec[sc->nsec].section = sim_strdup(section);
    sc->sec[sc->nsec].file = sim_strdup(file);
    sc->sec[sc->nsec].line = line;
    sc->sec[sc->nsec].cite_like = cite_like;
    sc->nsec++;
}

int sim_entry_err(const sim_entry *e, sim_err *err, const char *fmt, ...)
{
    char what[3072];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    return sim_errf(err, "%s:%d: %s: %s", e->file, e->line, e->full, what);
}

/* An indented [cite] after a key, which inih would read as a section: a
 * citation wrapped onto a line of its own. The fix names the key just above
 * it in the same file, with the citation on its line. */
static int cite_alone_err(const sim_scenario *sc, const char *file, int line, const char *cite, sim_err *err)
{
    const sim_entry *prev = NULL;
    for (size_t i = 0; i < sc->n; i++) {
        const sim_entry *e = &sc->e[i];
        if (strcmp(e->file, file) == 0 && e->line < line && (!prev || e->line > prev->line)) prev = e;
    }
    char *fix;
    if (!prev) fix = sim_asprintf("key = value [%s]", cite);
    else if (prev->text[strlen(prev->text) - 1] == ']') /* already cites: add to its list */
        fix = sim_asprintf("%s = %.*s, %s]", prev->key, (int)strlen(prev->text) - 1, prev->text, cite);
    else fix = sim_asprintf("%s = %s [%s]", prev->key, prev->text, cite);
    sim_errf(err, "%s:%d: [%s]: looks like a citation on a line of its own, which reads as a section (allowed: "
                  "citations on the value's line, %s)", file, line, cite, fix);
    free(fix);
    return -1;
}

/* Shaped like a citation list: items such as F12, S0, E10, R8 (capital
 * letters then digits) or the word assumption, separated by commas. No
 * section of any schema is named so, so an unindented [F12] below a key is
 * a citation wrapped onto its own line, not a section. */
static bool cite_shaped(const char *t)
{
    const char *p = t;
    for (;;) {
        while (*p == ' ' || *p == '\t') p++;
        const char *q = p;
        if (strncmp(p, "assumption", 10) == 0) q = p + 10;
        else {
            while (*q >= 'A' && *q <= 'Z') q++;
            if (q == p || !(*q >= '0' && *q <= '9')) return false;
            while (*q >= '0' && *q <= '9') q++;
        }
        while (*q == ' ' || *q == '\t') q++;
        if (*q == '\0') return true;
        if (*q != ',') return false;
        p = q + 1;
    }
}

/* ------------------------------------------------------------ reading one file */

typedef struct loadctx {
    const char *file;
    const char *text;
    size_t len, pos;
    int line;           /* the line last handed to inih */
    sim_scenario *out;  /* this file's own entries */
    sim_err *err;
    bool failed;
    bool after_key;     /* the last line that was not blank or a comment set a key */
} loadctx;

/* Names are at most SIM_NAME_MAX characters: they become section names,
 * column headers and stream names in fixed-size places. */
#define SIM_NAME_MAX 80

static bool valid_name(const char *s, bool allow_dots)
{
    if (!*s || strlen(s) > SIM_NAME_MAX) return false;
    for (const char *p = s; *p; p++)
        if (!(isalnum((unsigned char)*p) || *p == '_' || *p == '-' || (allow_dots && *p == '.')))
            return false;
    return s[0] != '.' && s[strlen(s) - 1] != '.' && !strstr(s, "..");
}

/* Check one raw line before inih reads it. */
static int check_line(loadctx *c, const char *s, size_t n)
{
    while (n > 0 && (s[n - 1] == '\n' || s[n - 1] == '\r')) n--;
    size_t i = 0;
    while (i < n && isspace((unsigned char)s[i])) i++;
    if (i == n || s[i] == ';' || s[i] == '#') return 0;
    if (s[i] == '[') {
        const char *close = memchr(s + i, ']', n - i);
        if (!close)
            return sim_errf(c->err, "%s:%d: section header without ']' (allowed: [name])", c->file, c->line);
        size_t len = (size_t)(close - (s + i) - 1);
        char name[MAX_LINE + 1];
        memcpy(name, s + i + 1, len);
        name[len] = '\0';
        char *t = sim_trim(name);
        if (strlen(t) > MAX_NAME)
            return sim_errf(c->err, "%s:%d: [%.*s...]: section name too long (allowed: at most %d bytes)",
                            c->file, c->line, sim_utf8_fit(t, 40), t, MAX_NAME);
        /* a citation on the line after a key: indented, or unindented but
         * shaped like one ([F12], [assumption], [F12, S0]) */
        bool cite = c->after_key && (i > 0 || cite_shaped(t));
        if (!valid_name(t, true) && cite)
            return cite_alone_err(c->out, c->file, c->line, t, c->err);
        if (!valid_name(t, true))
            return sim_errf(c->err, "%s:%d: [%s]: not a valid section name (allowed: up to 80 letters, digits, _ and - in parts joined by '.')",
                            c->file, c->line, t);
        add_secline(c->out, t, c->file, c->line, cite);
        c->after_key = false;
        return 0;
    }
    size_t k = i;
    while (k < n && s[k] != '=' && s[k] != ':') k++;
    if (k == n)
        return sim_errf(c->err, "%s:%d: expected 'key = value' (allowed: [section], key = value, ; comment)",
                        c->file, c->line);
    if (s[k] == ':')
        return sim_errf(c->err, "%s:%d: '%.*s': write key = value, not key: value (allowed: [section], key = value, "
                                "; comment)", c->file, c->line, (int)(k - i), s + i);
    size_t klen = k - i;
    while (klen > 0 && isspace((unsigned char)s[i + klen - 1])) klen--;
    if (klen > MAX_NAME)
        return sim_errf(c->err, "%s:%d: key '%.*s...' too long (allowed: at most %d bytes)", c->file,
                        c->line, sim_utf8_fit(s + i, 40), s + i, MAX_NAME);
    c->after_key = true;
    return 0;
}

static char *reader(char *str, int num, void *stream)
{
    loadctx *c = stream;
    if (c->failed || c->pos >= c->len) return NULL;
    const char *s = c->text + c->pos;
    const char *nl = memchr(s, '\n', c->len - c->pos);
    size_t n = nl ? (size_t)(nl - s) + 1 : c->len - c->pos;
    c->line++;
    c->pos += n;
    if (c->line == 1 && n >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0) s += 3, n -= 3; /* a UTF-8 byte-order mark */
    if (check_line(c, s, n) != 0) {
        c->failed = true;
        return NULL;
    }
    SIM_ASSERT(n < (size_t)num); /* guaranteed by the length check */
    memcpy(str, s, n);
    str[n] = '\0';
    /* '#' after a space starts a comment as ';' does (this libinih ends
     * values at ';' only) */
    for (size_t i = 1; i < n; i++)
        if (str[i] == '#' && (str[i - 1] == ' ' || str[i - 1] == '\t')) {
            str[i] = ';';
            break;
        }
    return str;
}

static int handler(void *user, const char *section, const char *name, const char *value)
{
    loadctx *c = user;
    if (c->failed) return 0;
    sim_scenario *sc = c->out;
    if (!*section) {
        c->failed = true;
        sim_errf(c->err, "%s:%d: %s: key outside any section (allowed: put it under a [section])", c->file,
                 c->line, name);
        return 0;
    }
    if (!valid_name(name, true)) {
        c->failed = true;
        sim_errf(c->err, "%s:%d: %s.%s: not a valid key name (allowed: up to 80 letters, digits, _ and - in parts joined by '.')",
                 c->file, c->line, section, name);
        return 0;
    }
    long prev = find_entry(sc, section, name);
    if (prev >= 0) {
        c->failed = true;
        sim_errf(c->err, "%s:%d: %s.%s: set twice in this file (first at line %d)", c->file, c->line, section,
                 name, sc->e[prev].line);
        return 0;
    }
    /* a manifest's [run] section, ignored when run, may hold empty lists
     * (sources_used of a scenario that cites none) */
    if (!*value && strcmp(section, "run") == 0) return 1;
    if (!*value) {
        c->failed = true;
        sim_errf(c->err, "%s:%d: %s.%s: empty value (allowed: a value after '='; delete the line to leave it out)",
                 c->file, c->line, section, name);
        return 0;
    }
    add_secline(sc, section, c->file, c->line, false);
    set_entry(add_entry(sc), section, name, value, c->file, c->line);
    return 1;
}

/* Refuse what is not a text file before parsing: NUL bytes, broken UTF-8,
 * lines longer than MAX_LINE. */
static int check_text(const char *file, const char *t, size_t len, sim_err *err)
{
    int line = 1;
    size_t linestart = 0;
    for (size_t i = 0; i < len;) {
        unsigned char ch = (unsigned char)t[i];
        if (ch == '\n') {
            line++;
            linestart = ++i;
            continue;
        }
        if (i - linestart >= MAX_LINE) {
            size_t e = i;
            while (e < len && t[e] != '\n') e++;
            return sim_errf(err, "%s:%d: line is %zu bytes long (allowed: at most %d)", file, line,
                            e - linestart, MAX_LINE);
        }
        if (ch == 0)
            return sim_errf(err, "%s:%d: binary data (a NUL byte) in a scenario file (allowed: UTF-8 text)", file, line);
        if (ch < 0x80) {
            i++;
            continue;
        }
        size_t k = ch >= 0xF0 && ch <= 0xF4 ? 3 : ch >= 0xE0 ? 2 : ch >= 0xC2 && ch < 0xE0 ? 1 : 0;
        if (k == 0 || ch > 0xF4) goto bad;
        for (size_t j = 1; j <= k; j++)
            if (i + j >= len || ((unsigned char)t[i + j] & 0xC0) != 0x80) goto bad;
        if (ch == 0xE0 && (unsigned char)t[i + 1] < 0xA0) goto bad;
        if (ch == 0xED && (unsigned char)t[i + 1] >= 0xA0) goto bad;
        if (ch == 0xF0 && (unsigned char)t[i + 1] < 0x90) goto bad;
        if (ch == 0xF4 && (unsigned char)t[i + 1] >= 0x90) goto bad;
        i += k + 1;
        continue;
    bad:
        return sim_errf(err, "%s:%d: not UTF-8 text (byte 0x%02X at column %zu; allowed: UTF-8 text)", file,
                        line, ch, i - linestart + 1);
    }
    return 0;
}

static int parse_one(sim_scenario *own, const char *file, sim_err *err)
{
    size_t len;
    char *text = sim_read_file(file, (size_t)16 << 20, &len, err);
    if (!text) return -1;
    /* a carriage return alone ends a line (old Mac OS files), as CRLF and LF
     * do; a run of them before a LF (a CRLF file converted twice) is that
     * one line end */
    for (size_t i = 0; i < len; i++)
        if (text[i] == '\r') {
            size_t j = i;
            while (j < len && text[j] == '\r') j++;
            if (j == len || text[j] != '\n')
                for (size_t k = i; k < j; k++) text[k] = '\n';
            i = j - 1;
        }
    int rc = check_text(file, text, len, err);
    if (rc == 0) {
        ini_use_stack = true;
        ini_max_line = MAX_LINE + 3;
        ini_allow_multiline = false;
        ini_stop_on_first_error = true;
        ini_allow_inline_comments = true;
        ini_allow_no_value = false;
        ini_allow_bom = true;
        loadctx c = {file, text, len, 0, 0, own, err, false, false};
        int r = ini_parse_stream(reader, &c, handler, &c);
        if (c.failed) rc = -1;
        else if (r > 0)
            rc = sim_errf(err, "%s:%d: syntax error (allowed: [section], key = value, ; comment)", file, r);
        else if (r < 0)
            rc = sim_errf(err, "%s: cannot parse (out of memory)", file);
        else if (own->n == 0)
            rc = sim_errf(err, "%s:1: empty scenario file (allowed: a [scenario] section naming a model, or "
                               "extends = another scenario)", file);
    }
    free(text);
    return rc;
}

/* ------------------------------------------------------------ extends */

static char *dir_of(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? sim_strndup(path, (size_t)(slash - path)) : sim_strdup(".");
}

/* dir/rel, with "x/.." pairs folded away so messages show tidy paths. */
static char *join_path(const char *dir, const char *rel)
{
    char *joined = rel[0] == '/' || strcmp(dir, ".") == 0 ? sim_strdup(rel) : sim_asprintf("%s/%s", dir, rel);
    const char *parts[256];
    size_t n = 0;
    bool abs = joined[0] == '/';
    char *copy = sim_strdup(joined);
    for (char *t = strtok(copy, "/"); t && n < 256; t = strtok(NULL, "/")) {
        if (strcmp(t, ".") == 0) continue;
        if (strcmp(t, "..") == 0 && n > 0 && strcmp(parts[n - 1], "..") != 0) n--;
        else parts[n++] = t;
    }
    sim_buf b;
    sim_buf_init(&b);
    if (abs) sim_buf_putc(&b, '/');
    for (size_t i = 0; i < n; i++) sim_buf_printf(&b, "%s%s", i ? "/" : "", parts[i]);
    if (!b.len) sim_buf_putc(&b, '.');
    free(copy);
    free(joined);
    return sim_buf_take(&b);
}

static void move_entries(sim_scenario *dst, sim_scenario *src)
{
    for (size_t i = 0; i < src->n; i++) {
        sim_entry *s = &src->e[i];
        long at = find_entry(dst, s->section, s->key);
        if (at >= 0) {
            entry_free(&dst->e[at]);
            dst->e[at] = *s;
        } else {
            *add_entry(dst) = *s;
        }
        memset(s, 0, sizeof *s);
    }
    src->n = 0;
    for (size_t i = 0; i < src->nsec; i++)
        add_secline(dst, src->sec[i].section, src->sec[i].file, src->sec[i].line, src->sec[i].cite_like);
}

static void drop_empty_secline(sim_scenario *sc, const char *section)
{
    for (size_t i = 0; i < sc->n; i++)
        if (strcmp(sc->e[i].section, section) == 0) return;
    for (size_t i = 0; i < sc->nsec; i++)
        if (strcmp(sc->sec[i].section, section) == 0) {
            free(sc->sec[i].section), free(sc->sec[i].file);
            memmove(&sc->sec[i], &sc->sec[i + 1], (sc->nsec - i - 1) * sizeof *sc->sec);
            sc->nsec--;
            return;
        }
}

/* The chain of files being read: real paths to find cycles, the paths as
 * written to show them. */
typedef struct chain {
    char *real[MAX_DEPTH + 1];
    const char *shown[MAX_DEPTH + 1];
} chain;

static int load_rec(sim_scenario *sc, const char *path, chain *ch, int depth, sim_err *err)
{
    ch->real[depth] = realpath(path, NULL);
    if (!ch->real[depth]) return sim_errf(err, "%s: cannot open: %s", path, strerror(errno));
    ch->shown[depth] = path;
    sim_scenario own;
    memset(&own, 0, sizeof own);
    int rc = parse_one(&own, path, err);
    if (rc == 0) {
        sc->files = sim_realloc(sc->files, (sc->nfiles + 1) * sizeof *sc->files);
        sc->files[sc->nfiles++] = sim_strdup(path);
        long ext = find_entry(&own, "scenario", "extends");
        if (ext >= 0) {
            sim_entry *e = &own.e[ext];
            char *dir = dir_of(path);
            char *parent = join_path(dir, e->text);
            free(dir);
            char *preal = realpath(parent, NULL);
            int cyc = -1;
            for (int i = 0; preal && i <= depth && cyc < 0; i++)
                if (strcmp(ch->real[i], preal) == 0) cyc = i;
            free(preal);
            if (cyc >= 0) {
                sim_buf chain_text;
                sim_buf_init(&chain_text);
                for (int i = cyc; i <= depth; i++) sim_buf_printf(&chain_text, "%s -> ", ch->shown[i]);
                sim_buf_puts(&chain_text, ch->shown[cyc]);
                rc = sim_errf(err, "%s:%d: scenario.extends: '%s' closes a cycle (%s; allowed: a chain of distinct "
                                   "files)", e->file, e->line, e->text, chain_text.s);
                sim_buf_free(&chain_text);
            } else if (depth + 1 >= MAX_DEPTH) {
                rc = sim_errf(err, "%s:%d: scenario.extends: chain of more than %d files (allowed: at most %d)", e->file,
                              e->line, MAX_DEPTH, MAX_DEPTH);
            } else {
                sim_err perr;
                rc = load_rec(sc, parent, ch, depth + 1, &perr);
                if (rc != 0) {
                    if (sim_starts_with(perr.msg, parent) && strstr(perr.msg, ": cannot open: "))
                        sim_errf(err, "%s:%d: scenario.extends: cannot open '%s': %s", e->file, e->line, e->text,
                                 strstr(perr.msg, ": cannot open: ") + 15);
                    else
                        *err = perr;
                }
            }
            free(parent);
        }
        /* `remove` drops what the parents set, before this file's own keys land */
        long rm = find_entry(&own, "scenario", "remove");
        if (rc == 0 && rm >= 0) {
            sim_entry *e = &own.e[rm];
            char *list = sim_strdup(e->text), *done = sim_strdup(",");
            for (char *tok = strtok(list, ","); tok && rc == 0; tok = strtok(NULL, ",")) {
                char *t = sim_trim(tok);
                char *key = sim_asprintf(",%s,", t);
                const bool twice = strstr(done, key) != NULL;
                char *more = sim_asprintf("%s%s,", done, t);
                free(key), free(done);
                done = more;
                if (twice) {
                    rc = sim_errf(err, "%s:%d: scenario.remove: '%s' is named twice (allowed: each section or "
                                  "section.key once)", e->file, e->line, t);
                    break;
                }
                bool hit = false;
                for (size_t i = 0; i < sc->n;) {
                    sim_entry *x = &sc->e[i];
                    if (strcmp(x->section, t) == 0 || strcmp(x->full, t) == 0) {
                        char *sec = sim_strdup(x->section);
                        remove_at(sc, i);
                        drop_empty_secline(sc, sec);
                        free(sec);
                        hit = true;
                    } else {
                        i++;
                    }
                }
                if (!hit)
                    rc = sim_errf(err, "%s:%d: scenario.remove: '%s' is not set by the scenarios this one extends "
                                  "(allowed: a section or section.key they set)", e->file, e->line, t);
            }
            free(list);
            free(done);
        }
        if (rc == 0) {
            /* a name is never inherited: a child scenario writes its own results */
            long nm = find_entry(sc, "scenario", "name");
            if (nm >= 0 && find_entry(&own, "scenario", "name") < 0) remove_at(sc, (size_t)nm);
            move_entries(sc, &own);
        }
    }
    sim_scenario_free(&own);
    free(ch->real[depth]);
    ch->real[depth] = NULL;
    return rc;
}

static char *base_name(const char *path)
{
    const char *b = strrchr(path, '/');
    b = b ? b + 1 : path;
    size_t n = strlen(b);
    if (n > 4 && strcmp(b + n - 4, ".ini") == 0) n -= 4;
    return sim_strndup(b, n);
}

int sim_scenario_load(sim_scenario *sc, const char *path, sim_err *err)
{
    memset(sc, 0, sizeof *sc);
    chain ch;
    memset(&ch, 0, sizeof ch);
    if (load_rec(sc, path, &ch, 0, err) != 0) {
        sim_scenario_free(sc);
        return -1;
    }
    sc->path = sim_strdup(path);
    const char *nm = sim_sc_text(sc, "scenario", "name");
    sc->name = nm ? sim_strdup(nm) : base_name(path);
    return 0;
}

void sim_scenario_free(sim_scenario *sc)
{
    for (size_t i = 0; i < sc->n; i++) entry_free(&sc->e[i]);
    free(sc->e);
    for (size_t i = 0; i < sc->nsec; i++) free(sc->sec[i].section), free(sc->sec[i].file);
    free(sc->sec);
    for (size_t i = 0; i < sc->nfiles; i++) free(sc->files[i]);
    free(sc->files);
    free(sc->path);
    free(sc->name);
    memset(sc, 0, sizeof *sc);
}

/* ------------------------------------------------------------ schema matching */

/* "facility.*" matches "facility.x"; "*" matches any dotted name. */
static bool pattern_match(const char *pat, const char *s)
{
    if (strcmp(pat, "*") == 0) return valid_name(s, true);
    size_t n = strlen(pat);
    if (n >= 2 && strcmp(pat + n - 2, ".*") == 0)
        return strncmp(pat, s, n - 1) == 0 && sim_is_ident(s + n - 1) && strlen(s) <= SIM_NAME_MAX;
    return strcmp(pat, s) == 0;
}

static const sim_keyspec *find_spec(const sim_schema *schema, const char *section, const char *key,
                                    bool *section_known)
{
    *section_known = false;
    for (const sim_keyspec *const *p = schema->parts; *p; p++)
        for (const sim_keyspec *k = *p; k->section; k++) {
            if (!pattern_match(k->section, section)) continue;
            *section_known = true;
            if (pattern_match(k->key, key)) return k;
        }
    return NULL;
}

/* Turn a pattern into a concrete candidate for a suggestion, using the
 * user's own word for the wildcard part. */
static char *instantiate(const char *pat, const char *user)
{
    size_t n = strlen(pat);
    if (n >= 2 && strcmp(pat + n - 2, ".*") == 0) {
        const char *dot = strrchr(user, '.');
        return sim_asprintf("%.*s%s", (int)(n - 1), pat, dot ? dot + 1 : user);
    }
    return sim_strdup(pat);
}

static void pattern_display(const char *pat, sim_buf *b)
{
    size_t n = strlen(pat);
    if (n >= 2 && strcmp(pat + n - 2, ".*") == 0) sim_buf_printf(b, "%.*s<name>", (int)(n - 1), pat);
    else if (strcmp(pat, "*") == 0) sim_buf_puts(b, "<output>");
    else sim_buf_puts(b, pat);
}

static int unknown_section(const sim_schema *schema, const char *section, const char *file, int line, sim_err *err)
{
    sim_buf allowed;
    sim_buf_init(&allowed);
    const char *cands[256];
    char *owned[256];
    size_t nc = 0;
    for (const sim_keyspec *const *p = schema->parts; *p; p++)
        for (const sim_keyspec *k = *p; k->section; k++) {
            bool seen = false;
            for (const sim_keyspec *const *q = schema->parts; *q && !seen; q++)
                for (const sim_keyspec *j = *q; j->section && j != k; j++)
                    if (strcmp(j->section, k->section) == 0) {
                        seen = true;
                        break;
                    }
            if (seen || nc == 256) continue;
            if (allowed.len) sim_buf_puts(&allowed, ", ");
            pattern_display(k->section, &allowed);
            owned[nc] = instantiate(k->section, section);
            cands[nc] = owned[nc];
            nc++;
        }
    const char *sug = sim_suggest(section, cands, nc);
    char hint[160] = "";
    if (sug) snprintf(hint, sizeof hint, "did you mean [%s]?; ", sug);
    sim_errf(err, "%s:%d: [%s]: unknown section (%sallowed: %s)", file, line, section, hint, allowed.s);
    for (size_t i = 0; i < nc; i++) free(owned[i]);
    sim_buf_free(&allowed);
    return -1;
}

static int unknown_key(const sim_schema *schema, const sim_entry *e, sim_err *err)
{
    sim_buf allowed;
    sim_buf_init(&allowed);
    const char *cands[256];
    char *owned[256];
    size_t nc = 0;
    for (const sim_keyspec *const *p = schema->parts; *p; p++)
        for (const sim_keyspec *k = *p; k->section; k++) {
            if (!pattern_match(k->section, e->section) || nc == 256) continue;
            if (allowed.len) sim_buf_puts(&allowed, ", ");
            pattern_display(k->key, &allowed);
            owned[nc] = instantiate(k->key, e->key);
            cands[nc] = owned[nc];
            nc++;
        }
    const char *sug = sim_suggest(e->key, cands, nc);
    char hint[160] = "";
    if (sug) snprintf(hint, sizeof hint, "did you mean '%s'?; ", sug);
    sim_errf(err, "%s:%d: %s: unknown key '%s' in [%s] (%sallowed: %s)", e->file, e->line, e->full, e->key,
             e->section, hint, allowed.s);
    for (size_t i = 0; i < nc; i++) free(owned[i]);
    sim_buf_free(&allowed);
    return -1;
}

static bool section_known(const sim_schema *schema, const char *section)
{
    for (const sim_keyspec *const *p = schema->parts; *p; p++)
        for (const sim_keyspec *k = *p; k->section; k++)
            if (pattern_match(k->section, section)) return true;
    return false;
}

/* A named section (a period, shock, facility, observation: [period.X]) a
 * file opened and gave no key, which declares nothing, an unknown section
 * without keys, or an indented [...] after a key that is not a section the
 * schema knows (a citation wrapped onto a line of its own, which inih reads
 * as a section). A fixed section left with comments only ([thresholds],
 * [correlation]) changes nothing and is taken. */
static bool bad_section(const sim_scenario *sc, const sim_schema *schema, const sim_secline *sl)
{
    if (sl->line <= 0) return false; /* opened by a default */
    if (sl->cite_like && !section_known(schema, sl->section)) return true;
    for (size_t i = 0; i < sc->n; i++)
        if (strcmp(sc->e[i].section, sl->section) == 0) return false;
    for (const sim_keyspec *const *p = schema->parts; *p; p++)
        for (const sim_keyspec *k = *p; k->section; k++)
            if (strcmp(k->section, sl->section) == 0) return false; /* a fixed section */
    return true;
}

static int section_err(const sim_scenario *sc, const sim_schema *schema, const sim_secline *sl, sim_err *err)
{
    if (sl->cite_like) return cite_alone_err(sc, sl->file, sl->line, sl->section, err);
    if (!section_known(schema, sl->section)) return unknown_section(schema, sl->section, sl->file, sl->line, err);
    sim_buf keys;
    sim_buf_init(&keys);
    for (const sim_keyspec *const *p = schema->parts; *p; p++)
        for (const sim_keyspec *k = *p; k->section; k++) {
            if (!pattern_match(k->section, sl->section)) continue;
            if (keys.len) sim_buf_puts(&keys, ", ");
            pattern_display(k->key, &keys);
        }
    sim_errf(err, "%s:%d: [%s]: empty section (allowed: key = value lines under it, keys %s; or no [%s] line)",
             sl->file, sl->line, sl->section, keys.s, sl->section);
    sim_buf_free(&keys);
    return -1;
}

/* ------------------------------------------------------------ --set */

/* Split section.key at the first dot where the schema knows the pair (or,
 * with sc, the scenario already has it): *section and *key allocated, or
 * false. */
static bool split_full(const sim_schema *schema, const sim_scenario *sc, const char *full, char **section, char **key)
{
    for (const char *dot = strchr(full, '.'); dot; dot = strchr(dot + 1, '.')) {
        char *s = sim_strndup(full, (size_t)(dot - full));
        bool known;
        if (find_spec(schema, s, dot + 1, &known) || (sc && find_entry(sc, s, dot + 1) >= 0)) {
            *section = s;
            *key = sim_strdup(dot + 1);
            return true;
        }
        free(s);
    }
    return false;
}

bool sim_schema_knows(const sim_schema *schema, const char *full)
{
    char *section, *key;
    if (!split_full(schema, NULL, full, &section, &key)) return false;
    free(section);
    free(key);
    return true;
}

int sim_scenario_set(sim_scenario *sc, const sim_schema *schema, const char *assignment, int index,
                     sim_err *err)
{
    char file[32];
    snprintf(file, sizeof file, "--set");
    const char *eq = strchr(assignment, '=');
    if (!eq)
        return sim_errf(err, "%s:%d: '%s': expected KEY=VALUE (e.g. transfer.rate_per_day=uniform(0,100))", file,
                        index, assignment);
    char *name = sim_strndup(assignment, (size_t)(eq - assignment));
    char *value = sim_strdup(eq + 1);
    char *k = sim_trim(name), *v = sim_trim(value);
    int rc = 0;
    if (!*k) {
        rc = sim_errf(err, "%s:%d: '%s': no key before '=' (allowed: KEY=VALUE, e.g. transfer.rate_per_day=0)", file,
                      index, assignment);
        goto out;
    }
    if (strcmp(k, "scenario.extends") == 0 || strcmp(k, "scenario.remove") == 0) {
        rc = sim_errf(err, "%s:%d: %s: cannot be set with --set (allowed: %s = ... in a scenario file)", file, index,
                      k, k + 9);
        goto out;
    }
    if (strlen(v) > MAX_LINE) {
        rc = sim_errf(err, "%s:%d: %s: value is %zu bytes long (allowed: at most %d)", file, index, k, strlen(v), MAX_LINE);
        goto out;
    }
    if (!*v) {
        rc = sim_errf(err, "%s:%d: %s: empty value (allowed: KEY=VALUE with a value)", file, index, k);
        goto out;
    }
    /* the value is written to manifest.ini as a scenario line: it must read
     * back as itself */
    char where[64];
    snprintf(where, sizeof where, "%s:%d: %s", file, index, k);
    if (check_text(where, v, strlen(v), err) != 0) {
        rc = -1;
        goto out;
    }
    for (const char *c = v; *c; c++) {
        if ((unsigned char)*c < 0x20 || *c == 0x7f) {
            rc = sim_errf(err, "%s:%d: %s: a control character (byte %d) in the value (allowed: one line of text)",
                          file, index, k, (unsigned char)*c);
            goto out;
        }
        if ((*c == ';' || *c == '#') && (c == v || c[-1] == ' ')) {
            rc = sim_errf(err, "%s:%d: %s: '%c' %s begins a comment in a scenario file (allowed: '%c' after another "
                               "character, not first or after a space)", file, index, k, *c,
                          c == v ? "first in the value" : "after a space", *c);
            goto out;
        }
    }
    char *section = NULL, *key = NULL;
    if (!split_full(schema, sc, k, &section, &key)) {
        size_t nc = 0;
        const char **cands = sim_malloc((sc->n + 1) * sizeof *cands);
        for (size_t i = 0; i < sc->n; i++) cands[nc++] = sc->e[i].full;
        const char *sug = sim_suggest(k, cands, nc);
        rc = sim_errf(err, "%s:%d: %s: unknown key (%s%s%sallowed: section.key names that `riskmc show` lists)",
                      file, index, k, sug ? "did you mean '" : "", sug ? sug : "", sug ? "'?; " : "");
        free(cands);
        goto out;
    }
    /* as long as a file may write them, so that the manifest reads back */
    if (strlen(section) > MAX_NAME || strlen(key) > MAX_NAME) {
        rc = sim_errf(err, "%s:%d: %s: %s too long (allowed: at most %d bytes, as in a scenario file)", file,
                      index, k, strlen(section) > MAX_NAME ? "section name" : "key", MAX_NAME);
        free(section);
        free(key);
        goto out;
    }
    long at = find_entry(sc, section, key);
    sim_entry *e;
    if (at >= 0) {
        e = &sc->e[at];
        entry_free(e);
    } else {
        e = add_entry(sc);
    }
    set_entry(e, section, key, v, file, index);
    add_secline(sc, section, file, index, false);
    free(section);
    free(key);
out:
    free(name);
    free(value);
    return rc;
}

/* ------------------------------------------------------------ values */

const char *sim_domain_text(sim_domain d)
{
    switch (d) {
    case SIM_DOM_NONNEG: return "a value >= 0";
    case SIM_DOM_POS: return "a value > 0";
    case SIM_DOM_PROB: return "a probability within [0, 1]";
    case SIM_DOM_COUNT: return "a count of people from 0 to 1,000,000,000 (rounded to a whole number)";
    case SIM_DOM_SHARES: return "shares >= 0 that sum to 1";
    default: return "any number";
    }
}

bool sim_domain_holds(sim_domain d, double x)
{
    switch (d) {
    case SIM_DOM_NONNEG:
    case SIM_DOM_SHARES: return x >= 0;
    case SIM_DOM_COUNT: return x >= 0 && x <= 1e9; /* people: a plausible count */
    case SIM_DOM_POS: return x > 0;
    case SIM_DOM_PROB: return x >= 0 && x <= 1;
    default: return true;
    }
}

static int check_number(const sim_entry *e, double x, sim_domain d, sim_err *err)
{
    if (!sim_domain_holds(d, x)) return sim_entry_err(e, err, "%g is out of range (allowed: %s)", x, sim_domain_text(d));
    return 0;
}

static int split_list(const sim_entry *e, const char *text, char ***items, size_t *n, sim_err *err)
{
    char *copy = sim_strdup(text);
    *items = NULL;
    *n = 0;
    int rc = 0;
    size_t count = 1;
    for (const char *p = text; *p; p++) count += *p == ',';
    *items = sim_calloc(count, sizeof **items);
    char *p = copy;
    for (size_t i = 0; i < count; i++) {
        char *comma = strchr(p, ',');
        if (comma) *comma = '\0';
        char *t = sim_trim(p);
        if (!*t) {
            rc = sim_entry_err(e, err, "empty item %zu in the list (allowed: items separated by commas)", i + 1);
            break;
        }
        (*items)[(*n)++] = sim_strdup(t);
        p = comma ? comma + 1 : p + strlen(p);
    }
    free(copy);
    if (rc != 0) {
        for (size_t i = 0; i < *n; i++) free((*items)[i]);
        free(*items);
        *items = NULL;
        *n = 0;
    }
    return rc;
}

/* A number written in d that is not whole (d itself, or an item of a
 * choice, at any depth): a count written as a number is meant whole. */
static bool not_whole(const sim_dist *d, double *x)
{
    if (d->kind == SIM_D_CONST && d->a[0] != floor(d->a[0])) return *x = d->a[0], true;
    for (size_t i = 0; d->kind == SIM_D_CHOICE && i < d->nitems; i++)
        if (not_whole(&d->items[i], x)) return true;
    return false;
}

static int parse_value(sim_entry *e, const sim_keyspec *k, sim_err *err)
{
    sim_value *v = &e->v;
    const char *why = NULL;
    switch (k->type) {
    case SIM_T_STRING: v->str = sim_strdup(e->text); return 0;
    case SIM_T_PATH: {
        char *dir = dir_of(e->file);
        v->str = strcmp(e->file, "--set") == 0 ? sim_strdup(e->text) : join_path(dir, e->text);
        free(dir);
        return 0;
    }
    case SIM_T_INT:
        if (sim_parse_int(e->text, &v->i, &why) != 0)
            return sim_entry_err(e, err, "'%s': %s (allowed: a whole number from %.0f to %.0f)", e->text, why,
                                 k->lo, k->hi);
        /* compared as whole numbers: as doubles, 9200000000000000001 would pass 9.2e18 */
        if (v->i < (long long)k->lo || v->i > (long long)k->hi)
            return sim_entry_err(e, err, "%lld is out of range (allowed: a whole number from %.0f to %.0f)", v->i,
                                 k->lo, k->hi);
        return 0;
    case SIM_T_NUMBER:
        if (sim_parse_real(e->text, &v->x, &why) != 0)
            return sim_entry_err(e, err, "'%s': %s (allowed: %s)", e->text, why, k->help);
        if (v->x < k->lo || v->x > k->hi)
            return sim_entry_err(e, err, "%g is out of range (allowed: %g to %g)", v->x, k->lo, k->hi);
        return check_number(e, v->x, k->domain, err);
    case SIM_T_BOOL: {
        static const char *yes[] = {"yes", "true", "on", "1"}, *no[] = {"no", "false", "off", "0"};
        for (int i = 0; i < 4; i++) {
            if (strcasecmp(e->text, yes[i]) == 0) return v->i = 1, 0;
            if (strcasecmp(e->text, no[i]) == 0) return v->i = 0, 0;
        }
        return sim_entry_err(e, err, "'%s' is not yes or no (allowed: yes, no, true, false, on, off, 1, 0, in any "
                                     "case)", e->text);
    }
    case SIM_T_DATE:
        if (sim_parse_date(e->text, &v->date, &why) != 0) return sim_entry_err(e, err, "'%s': %s", e->text, why);
        return 0;
    case SIM_T_NAMES:
        if (split_list(e, e->text, &v->names, &v->n, err) != 0) return -1;
        for (size_t i = 0; i < v->n; i++) {
            if (!sim_is_ident(v->names[i]))
                return sim_entry_err(e, err, "'%s' is not a name (allowed: letters, digits and _)", v->names[i]);
            for (size_t j = 0; j < i; j++)
                if (strcmp(v->names[i], v->names[j]) == 0)
                    return sim_entry_err(e, err, "'%s' appears twice in the list (allowed: each name once)", v->names[i]);
        }
        return 0;
    case SIM_T_NUMBERS:
        if (split_list(e, e->text, &v->names, &v->n, err) != 0) return -1;
        v->nums = sim_calloc(v->n, sizeof *v->nums);
        for (size_t i = 0; i < v->n; i++) {
            if (sim_parse_real(v->names[i], &v->nums[i], &why) != 0)
                return sim_entry_err(e, err, "item %zu '%s': %s (allowed: numbers separated by commas)", i + 1,
                                     v->names[i], why);
            if (check_number(e, v->nums[i], k->domain, err) != 0) return -1;
        }
        for (size_t i = 0; i < v->n; i++) free(v->names[i]);
        free(v->names);
        v->names = NULL;
        return 0;
    case SIM_T_MAP: {
        char **items;
        size_t n;
        if (split_list(e, e->text, &items, &n, err) != 0) return -1;
        v->names = sim_calloc(n, sizeof *v->names);
        v->nums = sim_calloc(n, sizeof *v->nums);
        int rc = 0;
        double sum = 0;
        for (size_t i = 0; i < n && rc == 0; i++) {
            char *colon = strchr(items[i], ':');
            if (!colon) {
                rc = sim_entry_err(e, err, "'%s' is not 'name: number' (allowed: name: number, name: number, ...)",
                                   items[i]);
                break;
            }
            *colon = '\0';
            char *nm = sim_trim(items[i]), *num = sim_trim(colon + 1);
            if (!sim_is_ident(nm)) {
                rc = sim_entry_err(e, err, "'%s' is not a name (allowed: letters, digits and _)", nm);
                break;
            }
            for (size_t j = 0; j < v->n; j++)
                if (strcmp(v->names[j], nm) == 0)
                    rc = sim_entry_err(e, err, "'%s' appears twice (allowed: each name once)", nm);
            if (rc) break;
            if (sim_parse_real(num, &v->nums[v->n], &why) != 0) {
                rc = sim_entry_err(e, err, "%s: '%s': %s", nm, num, why);
                break;
            }
            if (v->nums[v->n] < 0) {
                rc = sim_entry_err(e, err, "%s: %g is negative (allowed: %s)", nm, v->nums[v->n], sim_domain_text(k->domain));
                break;
            }
            sum += v->nums[v->n];
            v->names[v->n++] = sim_strdup(nm);
        }
        for (size_t i = 0; i < n; i++) free(items[i]);
        free(items);
        if (rc == 0 && k->domain == SIM_DOM_SHARES && fabs(sum - 1.0) > 1e-6)
            rc = sim_entry_err(e, err, "shares sum to %.10g, not 1 (allowed: shares >= 0 that sum to 1)", sum);
        return rc;
    }
    case SIM_T_DIST: {
        sim_err derr;
        if (sim_dist_parse(e->text, &v->dist, &derr) != 0) return sim_entry_err(e, err, "%s", derr.msg);
        double lo, hi;
        sim_dist_support(&v->dist, &lo, &hi);
        sim_buf b;
        sim_buf_init(&b);
        sim_dist_format(&v->dist, &b);
        int rc = 0;
        bool neg = lo < 0;
        const bool fixed = sim_dist_is_const(&v->dist);
        switch (k->domain) {
        case SIM_DOM_NONNEG:
        case SIM_DOM_COUNT:
            if (neg)
                rc = sim_entry_err(e, err, "%s %s negative (allowed: %s)", b.s, fixed ? "is" : "can be",
                                   sim_domain_text(k->domain));
            break;
        case SIM_DOM_POS:
            if (neg || (lo == 0 && sim_dist_cdf(&v->dist, 0) > 0))
                rc = sim_entry_err(e, err, "%s %s zero or negative (allowed: %s)", b.s, fixed ? "is" : "can be",
                                   sim_domain_text(k->domain));
            break;
        case SIM_DOM_PROB:
            if (neg || hi > 1)
                rc = sim_entry_err(e, err, "%s %s outside [0, 1] (allowed: %s)", b.s, fixed ? "is" : "can fall",
                                   sim_domain_text(k->domain));
            break;
        default: break;
        }
        /* a law's draws are rounded; a number written as a count is meant whole */
        double part;
        if (rc == 0 && k->domain == SIM_DOM_COUNT && not_whole(&v->dist, &part)) {
            char num[32];
            sim_format_num(part, num);
            rc = sim_entry_err(e, err, "%s%s%s is not a whole number of people (allowed: a whole number, or a law "
                                       "whose draws are rounded to one)", fixed ? "" : b.s, fixed ? "" : ": ", num);
        }
        if (rc == 0 && k->domain == SIM_DOM_COUNT && sim_dist_quantile(&v->dist, 1 - 1e-9) > 1e9)
            rc = sim_entry_err(e, err, "%s %s 1,000,000,000 people (allowed: %s)", b.s, fixed ? "exceeds" : "can exceed",
                               sim_domain_text(k->domain));
        sim_buf_free(&b);
        return rc;
    }
    }
    return 0;
}

/* Split "value [F01, S0]" (or "value [F01] [S0]") into value and citations. */
static int split_cites(sim_entry *e, const sim_sources *reg, sim_err *err)
{
    size_t n = strlen(e->text);
    if (n == 0 || e->text[n - 1] != ']') return 0;
    char *inner = NULL; /* the groups' ids, in the order written */
    while (n > 0 && e->text[n - 1] == ']') {
        char *open = strrchr(e->text, '[');
        if (!open) {
            free(inner);
            return sim_entry_err(e, err, "']' without '[' (allowed: value [source, ...])");
        }
        char *group = sim_strndup(open + 1, n - (size_t)(open - e->text) - 2);
        if (strspn(group, " \t,") == strlen(group)) {
            free(group), free(inner);
            return sim_entry_err(e, err, "empty citation [] (allowed: [source id, ...] or [assumption])");
        }
        char *all = inner ? sim_asprintf("%s,%s", group, inner) : sim_strdup(group);
        free(group), free(inner);
        inner = all;
        *open = '\0';
        char *val = sim_trim(e->text);
        memmove(e->text, val, strlen(val) + 1);
        n = strlen(e->text);
    }
    int rc = 0;
    if (!*e->text) rc = sim_entry_err(e, err, "no value before the citation");
    for (char *tok = strtok(inner, ","); tok && rc == 0; tok = strtok(NULL, ",")) {
        char *id = sim_trim(tok);
        if (!*id) continue;
        if (strcmp(id, "assumption") != 0 && !(reg && sim_sources_find(reg, id))) {
            const char **cands = sim_malloc(((reg ? reg->n : 0) + 1) * sizeof *cands);
            size_t nc = 0;
            cands[nc++] = "assumption";
            for (size_t i = 0; reg && i < reg->n; i++) cands[nc++] = reg->s[i].id;
            const char *sug = sim_suggest(id, cands, nc);
            char hint[96] = "";
            if (sug) snprintf(hint, sizeof hint, "did you mean '%s'?; ", sug);
            if (e->line == 0) /* a default, which the user did not write */
                rc = sim_entry_err(e, err, "MODEL.md's default cites '%s', which %s does not list (allowed: write the "
                                           "key in the scenario, or add %s to the registry)", id,
                                   reg ? reg->path : "the sources registry", id);
            else
                rc = sim_entry_err(e, err, "unknown source id '%s' (%sallowed: ids in %s, or 'assumption')", id, hint,
                                   reg ? reg->path : "the sources registry");
            free(cands);
            break;
        }
        e->cites = sim_realloc(e->cites, (e->ncites + 1) * sizeof *e->cites);
        e->cites[e->ncites++] = sim_strdup(id);
    }
    if (rc == 0 && e->ncites == 0)
        rc = sim_entry_err(e, err, "empty citation [] (allowed: [source id, ...] or [assumption])");
    free(inner);
    return rc;
}

/* by file, then line: the first error reported is the first in its file */
static int place_cmp(const char *fa, int la, const char *fb, int lb)
{
    int c = strcmp(fa, fb);
    return c ? c : (la > lb) - (la < lb);
}

static int by_place(const void *a, const void *b)
{
    const sim_entry *x = *(const sim_entry *const *)a, *y = *(const sim_entry *const *)b;
    return place_cmp(x->file, x->line, y->file, y->line);
}

/* The schema's defaults of the keys a scenario leaves out, added as if
 * written (in `default`, line 0). */
/* Where a section stands in the schema: the place of its first key. */
static size_t schema_rank(const sim_schema *schema, const char *section)
{
    size_t r = 0;
    for (const sim_keyspec *const *p = schema->parts; *p; p++)
        for (const sim_keyspec *k = *p; k->section; k++, r++)
            if (strcmp(k->section, section) == 0 || pattern_match(k->section, section)) return r;
    return r;
}

/* A section only the defaults open goes where the schema puts it, before
 * the first section the schema puts after it: a manifest and `show` read
 * [lists] before the facilities, as the shipped scenarios write it. */
static void place_default_section(sim_scenario *sc, const sim_schema *schema)
{
    const size_t last = sc->nsec - 1, rank = schema_rank(schema, sc->sec[last].section);
    for (size_t i = 0; i < last; i++)
        if (schema_rank(schema, sc->sec[i].section) > rank) {
            sim_secline moved = sc->sec[last];
            memmove(&sc->sec[i + 1], &sc->sec[i], (last - i) * sizeof *sc->sec);
            sc->sec[i] = moved;
            return;
        }
}

static void add_defaults(sim_scenario *sc, const sim_schema *schema)
{
    for (const sim_keydefault *d = schema->defaults; d && d->section; d++) {
        char *text = sim_asprintf("%s [%s]", d->value, d->cite);
        const bool pattern = strchr(d->section, '*') != NULL;
        const size_t nsec = sc->nsec;
        for (size_t s = 0; s < (pattern ? nsec : 1); s++) {
            char *sec = sim_strdup(pattern ? sc->sec[s].section : d->section); /* add_secline moves sc->sec */
            if ((!pattern || pattern_match(d->section, sec)) && find_entry(sc, sec, d->key) < 0) {
                set_entry(add_entry(sc), sec, d->key, text, "default", 0);
                const size_t had = sc->nsec;
                add_secline(sc, sec, "default", 0, false);
                if (sc->nsec > had) place_default_section(sc, schema);
            }
            free(sec);
        }
        free(text);
    }
}

/* Entries grouped by section, in the order the sections were first opened,
 * keys within a section in the order they came: the order a manifest writes
 * them in, so that a manifest re-runs to the same dictionary and lists even
 * where a child scenario or --set added a key to a parent's section. */
typedef struct placed {
    size_t sec, at;
} placed;

static int by_section(const void *a, const void *b)
{
    const placed *x = a, *y = b;
    if (x->sec != y->sec) return x->sec < y->sec ? -1 : 1;
    return x->at < y->at ? -1 : x->at > y->at;
}

static void group_by_section(sim_scenario *sc)
{
    placed *p = sim_malloc((sc->n + 1) * sizeof *p);
    for (size_t i = 0; i < sc->n; i++) {
        p[i].at = i;
        p[i].sec = sc->nsec;
        for (size_t s = 0; s < sc->nsec && p[i].sec == sc->nsec; s++)
            if (strcmp(sc->sec[s].section, sc->e[i].section) == 0) p[i].sec = s;
    }
    qsort(p, sc->n, sizeof *p, by_section);
    sim_entry *e = sim_malloc((sc->cap ? sc->cap : 1) * sizeof *e);
    for (size_t i = 0; i < sc->n; i++) e[i] = sc->e[p[i].at];
    free(sc->e);
    sc->e = e;
    free(p);
}

/* ------------------------------------------------------------ missing keys */

void sim_missing_add(sim_missing *m, const char *section, bool hint, const char *fmt, ...)
{
    m->section = sim_realloc(m->section, (m->n + 1) * sizeof *m->section);
    m->section[m->n] = sim_strdup(section);
    m->msg = sim_realloc(m->msg, (m->n + 1) * sizeof *m->msg);
    m->hint = sim_realloc(m->hint, (m->n + 1) * sizeof *m->hint);
    sim_buf b;
    sim_buf_init(&b);
    va_list ap;
    va_start(ap, fmt);
    sim_buf_vprintf(&b, fmt, ap);
    va_end(ap);
    SIM_ASSERT(!hint || (b.len > 0 && b.s[b.len - 1] == ')'));
    m->msg[m->n] = sim_buf_take(&b);
    m->hint[m->n++] = hint;
}

void sim_missing_free(sim_missing *m)
{
    for (size_t i = 0; i < m->n; i++) {
        free(m->section[i]);
        free(m->msg[i]);
    }
    free(m->section);
    free(m->msg);
    free(m->hint);
    memset(m, 0, sizeof *m);
}

/* The error naming every missing key: a lone one as its own message (with
 * the advice to extend, for a file that extends nothing, inside its
 * parentheses); several as a line that counts them, then one line each,
 * a section's together in the order the sections first come, as many as fit
 * the message (the rest counted). */
static int missing_err(const sim_scenario *sc, const sim_missing *m, bool extends, sim_err *err)
{
    static const char EXTEND[] = "or extend a scenario of the same model that sets %s: [scenario] extends = FILE, "
                                 "e.g. the shipped scenarios/baseline.ini for the detention model";
    if (m->n == 1) {
        const char *msg = m->msg[0];
        if (!m->hint[0] || extends) return sim_errf(err, "%s", msg);
        char *advice = sim_asprintf(EXTEND, "it");
        int len = (int)strlen(msg) - 1;
        sim_errf(err, "%.*s; %s)", len, msg, advice);
        free(advice);
        return -1;
    }
    sim_buf b;
    sim_buf_init(&b);
    sim_buf_printf(&b, "%s: %zu required keys missing", sc->path, m->n);
    bool hint = false; /* a key a parent could supply (not one of a section only this run opened) */
    for (size_t i = 0; i < m->n && !hint; i++) hint = m->hint[i];
    if (!extends && hint) {
        sim_buf_puts(&b, " (write them, ");
        sim_buf_printf(&b, EXTEND, "them");
        sim_buf_puts(&b, ")");
    }
    sim_buf_puts(&b, ":");
    size_t *order = sim_malloc(m->n * sizeof *order), k = 0;
    bool *taken = sim_calloc(m->n, sizeof *taken);
    for (size_t i = 0; i < m->n; i++) {
        if (taken[i]) continue;
        for (size_t j = i; j < m->n; j++)
            if (!taken[j] && strcmp(m->section[j], m->section[i]) == 0) {
                taken[j] = true;
                order[k++] = j;
            }
    }
    size_t i = 0;
    char more[64];
    for (; i < m->n; i++) {
        const char *msg = m->msg[order[i]];
        snprintf(more, sizeof more, "\n  ... and %zu more", m->n - i);
        /* room for this line, and for the count of the rest after it */
        if (b.len + 3 + strlen(msg) + (i + 1 < m->n ? sizeof more : 0) >= sizeof err->msg) break;
        sim_buf_printf(&b, "\n  %s", msg);
    }
    free(order);
    free(taken);
    if (i < m->n) sim_buf_puts(&b, more);
    sim_errf(err, "%s", b.s);
    sim_buf_free(&b);
    return -1;
}

int sim_scenario_check(sim_scenario *sc, const sim_schema *schema, bool strict, sim_err *err)
{
    /* names first: a misspelt key or section, or a section without keys, is
     * reported before a bad value below it, the first in its file first;
     * before the defaults fill a section with keys the user did not write */
    const sim_secline *bad = NULL;
    for (size_t s = 0; s < sc->nsec; s++)
        if (bad_section(sc, schema, &sc->sec[s]) &&
            (!bad || place_cmp(sc->sec[s].file, sc->sec[s].line, bad->file, bad->line) < 0))
            bad = &sc->sec[s];
    const sim_entry *unknown = NULL;
    for (size_t i = 0; i < sc->n; i++) {
        const sim_entry *e = &sc->e[i];
        bool known;
        if (!e->parsed && !find_spec(schema, e->section, e->key, &known) &&
            (!unknown || place_cmp(e->file, e->line, unknown->file, unknown->line) < 0))
            unknown = e;
    }
    if (bad && (!unknown || place_cmp(bad->file, bad->line, unknown->file, unknown->line) < 0))
        return section_err(sc, schema, bad, err);
    if (unknown) {
        bool known;
        find_spec(schema, unknown->section, unknown->key, &known);
        return known ? unknown_key(schema, unknown, err)
                     : unknown_section(schema, unknown->section, unknown->file, unknown->line, err);
    }
    add_defaults(sc, schema);
    group_by_section(sc);
    sim_entry **order = sim_malloc((sc->n + 1) * sizeof *order);
    for (size_t i = 0; i < sc->n; i++) order[i] = &sc->e[i];
    qsort(order, sc->n, sizeof *order, by_place);
    for (size_t i = 0; i < sc->n; i++) {
        sim_entry *e = order[i];
        if (e->parsed) continue;
        bool known;
        const sim_keyspec *k = find_spec(schema, e->section, e->key, &known);
        e->spec = k;
        int rc = 0;
        if (k->flags & (SIM_K_CITE | SIM_K_MAYCITE)) {
            rc = split_cites(e, sc->sources, err);
            if (rc == 0 && strict && e->ncites == 0 && (k->flags & SIM_K_CITE))
                rc = sim_entry_err(e, err, "no source cited (allowed: value [source id, ...] or value [assumption])");
        }
        if (rc == 0) rc = parse_value(e, k, err);
        if (rc != 0) {
            free(order);
            return -1;
        }
        e->parsed = true;
    }
    free(order);
    /* required keys, every one missing named at once; a file that extends
     * nothing is told it may */
    const bool extends = find_entry(sc, "scenario", "extends") >= 0;
    sim_missing miss = {0};
    for (const sim_keyspec *const *p = schema->parts; *p; p++)
        for (const sim_keyspec *k = *p; k->section; k++) {
            if (!(k->flags & SIM_K_REQUIRED)) continue;
            bool pattern = strchr(k->section, '*') != NULL;
            if (!pattern) {
                if (find_entry(sc, k->section, k->key) < 0)
                    sim_missing_key(&miss, sc, k->section, k->key, k->help, NULL, true);
                continue;
            }
            for (size_t s = 0; s < sc->nsec; s++) {
                const char *sec = sc->sec[s].section;
                bool present = false;
                for (size_t i = 0; i < sc->n && !present; i++) present = strcmp(sc->e[i].section, sec) == 0;
                if (!present || !pattern_match(k->section, sec)) continue;
                if (find_entry(sc, sec, k->key) < 0) sim_missing_key(&miss, sc, sec, k->key, k->help, NULL, false);
            }
        }
    if (schema->missing) schema->missing(sc, &miss);
    int rc = miss.n ? missing_err(sc, &miss, extends, err) : 0;
    sim_missing_free(&miss);
    return rc;
}

/* ------------------------------------------------------------ look-ups */

const sim_entry *sim_sc_get(const sim_scenario *sc, const char *section, const char *key)
{
    long i = find_entry(sc, section, key);
    return i < 0 ? NULL : &sc->e[i];
}

const sim_entry *sim_sc_removed(const sim_scenario *sc, const char *section, const char *key)
{
    const sim_entry *rm = sim_sc_get(sc, "scenario", "remove");
    if (!rm) return NULL;
    char *list = sim_strdup(rm->text);
    const size_t len = strlen(section);
    bool hit = false;
    for (char *save = NULL, *it = strtok_r(list, ",", &save); it && !hit; it = strtok_r(NULL, ",", &save)) {
        const char *t = sim_trim(it);
        hit = strcmp(t, section) == 0 || (key && strncmp(t, section, len) == 0 && t[len] == '.' &&
                                          strcmp(t + len + 1, key) == 0);
    }
    free(list);
    return hit ? rm : NULL;
}

void sim_missing_key(sim_missing *m, const sim_scenario *sc, const char *section, const char *key, const char *help,
                     const char *form, bool hint)
{
    const sim_entry *rm = sim_sc_removed(sc, section, key);
    const sim_secline *sl = sim_sc_secline(sc, section);
    if (rm)
        sim_missing_add(m, section, hint,
                        "%s:%d: scenario.remove: takes out %s.%s, which is required (%s; allowed: remove it only to "
                        "set it again in this file: [%s] %s = %s)",
                        rm->file, rm->line, section, key, help, section, key, form ? form : "...");
    else if (sl && sl->line > 0) /* a section only the defaults opened has no line */
        sim_missing_add(m, section, hint, "%s:%d: [%s]: missing key '%s' (%s%s%s%s%s)", sl->file, sl->line, section,
                        key, help, form ? ": " : "", form ? key : "", form ? " = " : "", form ? form : "");
    else
        sim_missing_add(m, section, hint, "%s: %s.%s: missing (%s; allowed: [%s] with %s = %s)", sc->path, section, key,
                        help, section, key, form ? form : "...");
}

const sim_entry *sim_sc_full(const sim_scenario *sc, const char *full)
{
    for (size_t i = 0; i < sc->n; i++)
        if (strcmp(sc->e[i].full, full) == 0) return &sc->e[i];
    return NULL;
}

const char *sim_sc_text(const sim_scenario *sc, const char *section, const char *key)
{
    const sim_entry *e = sim_sc_get(sc, section, key);
    return e ? e->text : NULL;
}

size_t sim_sc_sections(const sim_scenario *sc, const char *prefix, const char ***names)
{
    size_t n = 0, plen = strlen(prefix);
    *names = sim_malloc((sc->n + 1) * sizeof **names);
    for (size_t i = 0; i < sc->n; i++) {
        const char *s = sc->e[i].section;
        if (strncmp(s, prefix, plen) != 0 || s[plen] != '.' || !sim_is_ident(s + plen + 1)) continue;
        bool seen = false;
        for (size_t j = 0; j < n && !seen; j++) seen = strcmp((*names)[j], s + plen + 1) == 0;
        if (!seen) (*names)[n++] = s + plen + 1;
    }
    return n;
}

const sim_secline *sim_sc_secline(const sim_scenario *sc, const char *section)
{
    for (size_t i = 0; i < sc->nsec; i++)
        if (strcmp(sc->sec[i].section, section) == 0) return &sc->sec[i];
    return NULL;
}

void sim_entry_cites(const sim_entry *e, sim_buf *out)
{
    for (size_t i = 0; i < e->ncites; i++) {
        if (i) sim_buf_puts(out, ", ");
        sim_buf_puts(out, e->cites[i]);
    }
}

bool sim_entry_is_per_event(const sim_entry *e)
{
    return e->spec && (e->spec->flags & SIM_K_CHANCE) && e->spec->type == SIM_T_DIST && !sim_dist_is_const(&e->v.dist);
}

bool sim_entry_is_uncited(const sim_entry *e)
{
    return e->spec && (e->spec->flags & SIM_K_CITE) && e->ncites == 0;
}

bool sim_entry_is_assumption(const sim_entry *e)
{
    for (size_t i = 0; i < e->ncites; i++)
        if (strcmp(e->cites[i], "assumption") == 0) return true;
    return false;
}
