/* db/ingest.c — storing a parsed catalog, in one transaction. */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

static const char *const kind_names[] = {[RD_CAT_HEADING] = "heading",
                                         [RD_CAT_MARKER] = "marker",
                                         [RD_CAT_TOP] = "top",
                                         [RD_CAT_GROUP] = "group"};
static const char *const note_kinds[] = {[RD_NOTE_PARAGRAPH] = "paragraph",
                                         [RD_NOTE_CODE] = "code",
                                         [RD_NOTE_QUOTE] = "quote",
                                         [RD_NOTE_ITEM] = "item",
                                         [RD_NOTE_HTML] = "html"};

static const char *url_kind_name(rd_url_kind k)
{
    switch (k) {
    case RD_URL_WEB: return "web";
    case RD_URL_MAILTO: return "mailto";
    case RD_URL_FILE: return "file";
    case RD_URL_RELATIVE: return "relative";
    case RD_URL_OTHER: return "other";
    default: return NULL; /* not stored: none, unsafe, invalid */
    }
}

typedef struct ingest {
    rd_db *db;
    rd_error *err;
    rd_ingest_stats *stats;
    sqlite3_stmt *cat_ins, *url_ins, *url_get, *ent_ins, *fts_ins, *cat_fts_ins, *note_ins;
    rd_buf names; /* scratch for name paths */
    char **name_paths;
    size_t ncat, cap_cat; /* categories stored so far, and room in the two arrays */
    int *depth;           /* of each entry of the section being stored */
    size_t cap_depth;
    char now[40]; /* when the ingest began: a new URL's first_seen */
    /* an ingest into a database without URLs: the URLs stored so far are
     * found in memory, and their index (urls_key) is dropped and built whole
     * at the end: a million random keys put into it one at a time were a
     * sixth of a million entries' ingest. A slot holds a key's top 32 bits
     * and its URL's id (0: empty), at the slot its top bits give, or the next
     * free one; at most half are used. NULL: URLs are found by the index. */
    uint64_t *urls;
    int urls_lg; /* log2 of the slots */
    size_t nurls;
    sqlite3_stmt *url_text;
} ingest;

static const char sql_cat_ins[] =
    "INSERT INTO categories(id, parent_id, kind, name, slug, path, name_path, level, line, col,"
    " ord, description, url_raw, url) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?1, ?11,"
    " ?12, ?13)";
/* a URL's row is found by its key, then its text (migration 11), and made
 * when there is none: two statements, since an INSERT … SELECT takes a
 * statement savepoint, which makes FTS5 write out its pending index on
 * every row (17 G instructions for 10 MB, not 3.2 G) */
static const char sql_url_get[] = "SELECT id FROM urls WHERE key = ?2 AND url = ?1";
static const char sql_url_ins[] = "INSERT INTO urls(url, kind, first_seen, key)"
                                  " VALUES (?1, ?2, ?3, ?4)";
static const char sql_ent_ins[] =
    "INSERT INTO entries(id, category_id, parent_id, url_id, name, url_raw, description, depth,"
    " line, col, ord) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?1)";
static const char sql_fts_ins[] =
    "INSERT INTO entries_fts(rowid, name, description) VALUES (?1, ?2, ?3)";
static const char sql_cat_fts_ins[] =
    "INSERT INTO categories_fts(rowid, name_path) VALUES (?1, ?2)";
static const char sql_note_ins[] =
    "INSERT INTO notes(category_id, kind, markdown, line, col, ord) VALUES (?1, ?2, ?3, ?4, ?5,"
    " ?6)";

static int step_done(ingest *in, sqlite3_stmt *st, const char *doing)
{
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? RD_OK : rd_db_fail(in->db, in->err, doing);
}

/* Stores the categories that came since the last call. */
static int put_categories(ingest *in, const rd_catalog *cat)
{
    if (cat->ncategories > in->cap_cat) {
        size_t cap = cat->ncategories * 2;
        char **n = realloc(in->name_paths, cap * sizeof *n);
        if (n)
            in->name_paths = n;
        if (!n)
            return rd_error_set(in->err, RD_ENOMEM, "out of memory");
        memset(n + in->cap_cat, 0, (cap - in->cap_cat) * sizeof *n);
        in->cap_cat = cap;
    }
    for (size_t i = in->ncat; i < cat->ncategories; i++, in->ncat = i) {
        const rd_category *c = &cat->categories[i];
        rd_buf_reset(&in->names);
        if (c->parent >= 0) {
            rd_buf_puts(&in->names, in->name_paths[c->parent]);
            rd_buf_putc(&in->names, '/');
        }
        rd_buf_puts(&in->names, c->name);
        char *spaced = NULL;
        if (in->names.oom || !(in->name_paths[i] = strdup(in->names.data)) ||
            !(spaced = rd_fts_spaced(in->names.data)))
            return rd_error_set(in->err, RD_ENOMEM, "out of memory");
        /* the search index of categories: an entry matches a word through
         * its own words or its category's names */
        sqlite3_bind_int64(in->cat_fts_ins, 1, (int64_t)i + 1);
        sqlite3_bind_text(in->cat_fts_ins, 2, spaced, -1, free);
        int rc = step_done(in, in->cat_fts_ins, "indexing a category");
        if (rc < 0)
            return rc;
        sqlite3_stmt *st = in->cat_ins;
        sqlite3_bind_int64(st, 1, (int64_t)i + 1);
        if (c->parent >= 0)
            sqlite3_bind_int64(st, 2, (int64_t)c->parent + 1);
        else
            sqlite3_bind_null(st, 2);
        sqlite3_bind_text(st, 3, kind_names[c->kind], -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 4, c->name, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 5, c->slug, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 6, c->path, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 7, in->name_paths[i], -1, SQLITE_STATIC);
        sqlite3_bind_int(st, 8, c->level);
        sqlite3_bind_int(st, 9, c->pos.line);
        sqlite3_bind_int(st, 10, c->pos.col);
        sqlite3_bind_text(st, 11, c->description, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 12, c->url_raw, -1, SQLITE_STATIC); /* NULL binds NULL */
        sqlite3_bind_text(st, 13, c->url, -1, SQLITE_STATIC);
        rc = step_done(in, st, "storing a category");
        if (rc < 0)
            return rc;
    }
    return RD_OK;
}

/* The slot of a key's top 32 bits in a table of 2^lg slots. */
static size_t slot_of(uint32_t top, int lg)
{
    return (size_t)(top >> (32 - lg));
}

/* Twice the slots; -1 when out of memory (the table is as it was). */
static int urls_grow(ingest *in)
{
    int lg = in->urls_lg + 1;
    size_t n = (size_t)1 << lg, mask = n - 1;
    uint64_t *t = calloc(n, sizeof *t);
    if (!t)
        return -1;
    for (size_t i = 0; i < (n >> 1); i++) {
        uint64_t v = in->urls[i];
        if (!v)
            continue;
        size_t j = slot_of((uint32_t)(v >> 32), lg);
        while (t[j])
            j = (j + 1) & mask;
        t[j] = v;
    }
    free(in->urls);
    in->urls = t;
    in->urls_lg = lg;
    return 0;
}

/* The URLs are found by their index from now on: it is built over the rows
 * stored so far, and the table is dropped. */
static int urls_to_index(ingest *in)
{
    free(in->urls);
    in->urls = NULL;
    return rd_db_exec(in->db, RD_URLS_KEY_INDEX, in->err);
}

/* Finds the URL with this key and text in the table: its id in *id (0 when
 * it is new) and, when new, the slot it takes in *at. */
static int find_in_memory(ingest *in, const char *url, int64_t key, int64_t *id, size_t *at)
{
    uint32_t top = (uint32_t)((uint64_t)key >> 32);
    size_t mask = ((size_t)1 << in->urls_lg) - 1, i = slot_of(top, in->urls_lg);
    for (; in->urls[i]; i = (i + 1) & mask) {
        if ((uint32_t)(in->urls[i] >> 32) != top)
            continue;
        sqlite3_stmt *st = in->url_text; /* the same top bits: the same text? */
        sqlite3_bind_int64(st, 1, (int64_t)(uint32_t)in->urls[i]);
        int s = sqlite3_step(st),
            same = s == SQLITE_ROW && RD_COL(st, 0) && !strcmp(RD_COL(st, 0), url);
        sqlite3_reset(st);
        if (s != SQLITE_ROW && s != SQLITE_DONE)
            return rd_db_fail(in->db, in->err, "finding a URL");
        if (same) {
            *id = (int64_t)(uint32_t)in->urls[i];
            return RD_OK;
        }
    }
    *at = i;
    return RD_OK;
}

/* Stores the URL if new; returns its id in *id and counts new ones. */
static int put_url(ingest *in, const rd_entry *e, int64_t *id, rd_ingest_stats *stats)
{
    const char *kind = url_kind_name(e->url_kind);
    *id = 0;
    if (!e->url || !kind)
        return RD_OK;
    int64_t key = rd_db_url_key(e->url);
    size_t at = 0;
    sqlite3_stmt *st = in->url_get;
    if (in->urls) {
        int rc = find_in_memory(in, e->url, key, id, &at);
        if (rc < 0 || *id)
            return rc;
    } else {
        sqlite3_bind_text(st, 1, e->url, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 2, key);
        int s = sqlite3_step(st);
        if (s == SQLITE_ROW)
            *id = sqlite3_column_int64(st, 0);
        sqlite3_reset(st);
        if (s == SQLITE_ROW)
            return RD_OK;
        if (s != SQLITE_DONE)
            return rd_db_fail(in->db, in->err, "finding a URL");
    }
    st = in->url_ins;
    sqlite3_bind_text(st, 1, e->url, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, kind, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, in->now, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 4, key);
    int rc = step_done(in, st, "storing a URL");
    if (rc < 0)
        return rc;
    *id = sqlite3_last_insert_rowid(in->db->h);
    stats->urls_new++;
    if (!in->urls)
        return RD_OK;
    if (*id > (int64_t)UINT32_MAX) /* past what a slot holds: the index from here */
        return urls_to_index(in);
    in->urls[at] = (uint64_t)(uint32_t)((uint64_t)key >> 32) << 32 | (uint64_t)*id;
    if (++in->nurls * 2 > (size_t)1 << in->urls_lg && (in->urls_lg >= 32 || urls_grow(in) < 0))
        return urls_to_index(in); /* no room for more: the index from here */
    return RD_OK;
}

/* text as the search index takes it (rd_fts_spaced): text itself when it is
 * ASCII, with nothing to space; else a copy, in *copy to free (NULL when out
 * of memory). */
static const char *fts_text(const char *text, char **copy)
{
    *copy = NULL;
    for (const unsigned char *c = (const unsigned char *)text; *c; c++)
        if (*c >= 0x80)
            return *copy = rd_fts_spaced(text);
    return text;
}

/* Stores the entries of cat (a section of the catalog, or all of it). */
static int put_entries(ingest *in, const rd_catalog *cat)
{
    rd_ingest_stats *stats = in->stats;
    int *depth = rd_grow(in->depth, &in->cap_depth, cat->nentries, sizeof *depth);
    while (depth && in->cap_depth < cat->nentries + 1)
        depth = rd_grow((in->depth = depth), &in->cap_depth, in->cap_depth, sizeof *depth);
    if (!depth)
        return rd_error_set(in->err, RD_ENOMEM, "out of memory");
    in->depth = depth;
    int rc = RD_OK;
    int64_t base = (int64_t)cat->entry_base;
    for (size_t i = 0; i < cat->nentries && rc == RD_OK; i++) {
        const rd_entry *e = &cat->entries[i];
        int64_t id = base + (int64_t)i + 1;
        /* a parent is in the same section, before its children */
        depth[i] = e->parent >= 0 ? depth[e->parent - base] + 1 : 0;
        int64_t url_id;
        rc = put_url(in, e, &url_id, stats);
        if (rc < 0)
            break;
        sqlite3_stmt *st = in->ent_ins;
        sqlite3_bind_int64(st, 1, id);
        sqlite3_bind_int64(st, 2, (int64_t)e->category + 1);
        if (e->parent >= 0)
            sqlite3_bind_int64(st, 3, (int64_t)e->parent + 1);
        else
            sqlite3_bind_null(st, 3);
        if (url_id)
            sqlite3_bind_int64(st, 4, url_id);
        else
            sqlite3_bind_null(st, 4);
        sqlite3_bind_text(st, 5, e->name, -1, SQLITE_STATIC);
        /* as written, where that is not the normalised URL (RD_URL_RAW) */
        if (url_id && !strcmp(e->url_raw, e->url))
            sqlite3_bind_null(st, 6);
        else
            sqlite3_bind_text(st, 6, e->url_raw, -1, SQLITE_STATIC); /* NULL binds NULL */
        sqlite3_bind_text(st, 7, e->description, -1, SQLITE_STATIC);
        sqlite3_bind_int(st, 8, depth[i]);
        sqlite3_bind_int(st, 9, e->link_pos.line); /* where the link is: reports point there */
        sqlite3_bind_int(st, 10, e->link_pos.col);
        rc = step_done(in, st, "storing an entry");
        if (rc < 0)
            break;
        char *name_copy, *desc_copy;
        const char *name = fts_text(e->name, &name_copy);
        const char *desc = fts_text(e->description, &desc_copy);
        if (!name || !desc) {
            rc = rd_error_set(in->err, RD_ENOMEM, "out of memory");
        } else {
            st = in->fts_ins;
            sqlite3_bind_int64(st, 1, id);
            sqlite3_bind_text(st, 2, name, -1, SQLITE_STATIC);
            sqlite3_bind_text(st, 3, desc, -1, SQLITE_STATIC);
            rc = step_done(in, st, "indexing an entry");
        }
        free(name_copy);
        free(desc_copy);
    }
    return rc;
}

static int put_notes(ingest *in, const rd_catalog *cat)
{
    for (size_t i = 0; i < cat->nnotes; i++) {
        const rd_note *n = &cat->notes[i];
        sqlite3_stmt *st = in->note_ins;
        if (n->category >= 0)
            sqlite3_bind_int64(st, 1, (int64_t)n->category + 1);
        else
            sqlite3_bind_null(st, 1);
        sqlite3_bind_text(st, 2, note_kinds[n->kind], -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 3, n->markdown, -1, SQLITE_STATIC);
        sqlite3_bind_int(st, 4, n->pos.line);
        sqlite3_bind_int(st, 5, n->pos.col);
        sqlite3_bind_int64(st, 6, (int64_t)(cat->note_base + i) + 1);
        int rc = step_done(in, st, "storing a note");
        if (rc < 0)
            return rc;
    }
    return RD_OK;
}

/* The part of a path after its last '/'. */
static const char *base_name(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

/* Refuses to replace the catalog of another file (two catalogs in one
 * folder share its refdex.db), unless told to. */
static int other_catalog(rd_db *db, const char *file, int replace, rd_error *err)
{
    sqlite3_stmt *st;
    int rc = rd_db_prepare(db, "SELECT file FROM catalog WHERE id = 1", &st, err);
    if (rc < 0)
        return rc;
    if (sqlite3_step(st) == SQLITE_ROW && !replace &&
        strcmp(base_name(RD_COL(st, 0)), base_name(file)) != 0)
        rc = rd_error_set(err, RD_EUSAGE,
                          "%s holds the catalog of %s, which %s would replace; give %s a "
                          "database of its own (--db), or --force to replace it",
                          db->path, RD_COL(st, 0), file, file);
    sqlite3_finalize(st);
    return rc;
}

/* The hash a catalog's source is known by: FNV-1a, 64 bits, as 16 hex
 * digits (rd_source_hash in SQL gives the same); the size is compared too. */
static void source_hash(const char *source, size_t len, char out[17])
{
    rd_hash_hex(rd_fnv1a64(source, len), out);
}

/* What the source of an ingest is: a parsed catalog, or a text to read a
 * section at a time. */
typedef struct ingest_source {
    const char *file, *text;
    size_t len;
    const rd_catalog *cat; /* NULL: read text */
    long long max_input;
    char hash[17]; /* of text: source_hash, once made */
    int hashed;    /* 1: hash made; 2: being made by hasher */
    pthread_t hasher;
} ingest_source;

static void *hash_source(void *arg)
{
    ingest_source *src = arg;
    source_hash(src->text, src->len, src->hash);
    return NULL;
}

/* The source's hash, made now or waited for. */
static const char *source_hash_of(ingest_source *src)
{
    if (src->hashed == 2)
        pthread_join(src->hasher, NULL);
    else if (!src->hashed)
        source_hash(src->text, src->len, src->hash);
    src->hashed = 1;
    return src->hash;
}

/* The hash of a large text is made beside the store, in a thread of its own
 * (150 MB: 0.2 s); it is needed only at the end, for the catalog's row. */
static void hash_meanwhile(ingest_source *src)
{
    if (!src->hashed && src->len >= (1u << 20) &&
        pthread_create(&src->hasher, NULL, hash_source, src) == 0)
        src->hashed = 2;
}

/* True when the stored catalog came from the same file with the same bytes
 * (size, then hash: a text is hashed only when the rest is the same), read
 * by a parser that makes the same model of them. */
static int same_source(rd_db *db, ingest_source *src, int *same, rd_error *err)
{
    static const char sql[] = "SELECT source_hash FROM catalog WHERE id = 1 AND file = ?1"
                              " AND source_size = ?2 AND model = ?3";
    sqlite3_stmt *st;
    int rc = rd_db_prepare(db, sql, &st, err);
    if (rc < 0)
        return rc;
    sqlite3_bind_text(st, 1, src->file, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, (sqlite3_int64)src->len);
    sqlite3_bind_int(st, 3, RD_MODEL_VERSION);
    int s = sqlite3_step(st);
    *same = s == SQLITE_ROW && RD_COL(st, 0) && !strcmp(RD_COL(st, 0), source_hash_of(src));
    sqlite3_finalize(st);
    return s == SQLITE_ROW || s == SQLITE_DONE ? RD_OK : rd_db_fail(db, err, "reading");
}

/* Stores what came of a section (or of the whole catalog). */
static int put_section(void *ud, const rd_catalog *cat)
{
    ingest *in = ud;
    int rc = put_categories(in, cat);
    if (rc == RD_OK)
        rc = put_entries(in, cat);
    if (rc == RD_OK)
        rc = put_notes(in, cat);
    return rc;
}

static int count_rows(rd_db *db, const char *sql, int64_t *n, rd_error *err)
{
    sqlite3_stmt *st;
    int rc = rd_db_prepare(db, sql, &st, err);
    if (rc < 0)
        return rc;
    if (sqlite3_step(st) == SQLITE_ROW)
        *n = sqlite3_column_int64(st, 0);
    else
        rc = rd_db_fail(db, err, "counting");
    sqlite3_finalize(st);
    return rc;
}

/* Empties the catalog's tables and stores the source's catalog in their
 * place, then the catalog row with the source's size and hash. */
static int replace_catalog(ingest *in, ingest_source *src)
{
    static const char clear[] = "INSERT INTO entries_fts(entries_fts) VALUES ('delete-all');"
                                "INSERT INTO categories_fts(categories_fts) VALUES ('delete-all');"
                                " DELETE FROM notes; DELETE FROM entries;"
                                " DELETE FROM categories;";
    static const char sql_catalog[] =
        "INSERT OR REPLACE INTO catalog(id, file, source_size, source_hash, ingested_at, model)"
        " VALUES (1, ?1, ?2, ?4, strftime('%Y-%m-%dT%H:%M:%fZ'), ?3)";
    int rc = rd_db_exec(in->db, clear, in->err);
    sqlite3_stmt *st = NULL;
    if (rc == RD_OK)
        rc = rd_db_prepare(in->db, "SELECT strftime('%Y-%m-%dT%H:%M:%fZ')", &st, in->err);
    if (rc == RD_OK && sqlite3_step(st) == SQLITE_ROW)
        snprintf(in->now, sizeof in->now, "%s", RD_COL(st, 0));
    sqlite3_finalize(st);
    st = NULL;
    /* FTS5 keeps new index in memory up to its hashsize before it writes a
     * segment (1 MB by default): an eighth of the text, from 1 to 16 MB,
     * so that a large catalog's index is merged less (a third less of its
     * work at 150 MB) and a small one's costs no more memory than before */
    char fts_hash[120];
    size_t hs = src->len / 8;
    hs = hs < (1u << 20) ? (1u << 20) : hs > (16u << 20) ? (16u << 20) : hs;
    snprintf(fts_hash, sizeof fts_hash,
             "INSERT INTO entries_fts(entries_fts, rank) VALUES ('hashsize', %zu)", hs);
    if (rc == RD_OK)
        rc = rd_db_exec(in->db, fts_hash, in->err);
    int64_t urls = 1;
    if (rc == RD_OK)
        rc = count_rows(in->db, "SELECT EXISTS (SELECT 1 FROM urls)", &urls, in->err);
    if (rc == RD_OK && !urls && (in->urls = calloc((size_t)1 << 12, sizeof *in->urls))) {
        in->urls_lg = 12;
        rc = rd_db_exec(in->db, "DROP INDEX IF EXISTS urls_key", in->err);
    }
    if (rc == RD_OK && in->urls)
        rc = rd_db_prepare(in->db, "SELECT url FROM urls WHERE id = ?1", &in->url_text, in->err);
    if (rc == RD_OK)
        rc = rd_db_prepare(in->db, sql_cat_ins, &in->cat_ins, in->err);
    if (rc == RD_OK)
        rc = rd_db_prepare(in->db, sql_url_ins, &in->url_ins, in->err);
    if (rc == RD_OK)
        rc = rd_db_prepare(in->db, sql_url_get, &in->url_get, in->err);
    if (rc == RD_OK)
        rc = rd_db_prepare(in->db, sql_ent_ins, &in->ent_ins, in->err);
    if (rc == RD_OK)
        rc = rd_db_prepare(in->db, sql_fts_ins, &in->fts_ins, in->err);
    if (rc == RD_OK)
        rc = rd_db_prepare(in->db, sql_cat_fts_ins, &in->cat_fts_ins, in->err);
    if (rc == RD_OK)
        rc = rd_db_prepare(in->db, sql_note_ins, &in->note_ins, in->err);
    rd_ingest_stats *stats = in->stats;
    if (rc == RD_OK && src->cat) {
        rc = put_section(in, src->cat);
    } else if (rc == RD_OK) {
        rd_catalog *rest = NULL;
        rc = rd_catalog_stream(src->file, src->text, src->len, src->max_input, put_section, in,
                               &rest, in->err);
        if (rc == RD_OK) {
            stats->categories = (int64_t)rest->ncategories;
            stats->entries = (int64_t)rest->entry_base;
            stats->notes = (int64_t)rest->note_base;
        }
        rd_catalog_free(rest);
    }
    if (rc == RD_OK && in->urls) /* the URLs' index, built whole */
        rc = urls_to_index(in);
    if (rc == RD_OK)
        rc = rd_db_prepare(in->db, sql_catalog, &st, in->err);
    if (rc == RD_OK) {
        sqlite3_bind_text(st, 1, src->file, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 2, (sqlite3_int64)src->len);
        sqlite3_bind_int(st, 3, RD_MODEL_VERSION);
        sqlite3_bind_text(st, 4, source_hash_of(src), -1, SQLITE_STATIC);
        rc = step_done(in, st, "storing the catalog");
    }
    sqlite3_finalize(st);
    return rc;
}

/* replace_catalog with SQLite's page cache at 8 MB, then as it was. Rows
 * are appended, and FTS5 keeps its new index apart: a cache of 32 MB (the
 * connection's) took 25 MB more at 150 MB of Markdown and no less time, and
 * the URLs' index, built at the end, is sorted within the cache's size. */
static int with_small_cache(ingest *in, ingest_source *src)
{
    int64_t was = 0;
    int rc = count_rows(in->db, "PRAGMA cache_size", &was, in->err);
    if (rc == RD_OK)
        rc = rd_db_exec(in->db, "PRAGMA cache_size = -8192", in->err);
    if (rc == RD_OK)
        rc = replace_catalog(in, src);
    char sql[64];
    snprintf(sql, sizeof sql, "PRAGMA cache_size = %lld", (long long)was);
    if (was && sqlite3_exec(in->db->h, sql, NULL, NULL, NULL) != SQLITE_OK && rc == RD_OK)
        rc = rd_db_fail(in->db, in->err, "setting the page cache");
    return rc;
}

static int forget(void *ud, const rd_catalog *cat)
{
    (void)ud;
    (void)cat;
    return 0;
}

/* What is wrong with the source's text, if anything (in err), else rc. */
static int bad_input(const ingest_source *src, int rc, rd_error *err)
{
    rd_catalog *rest = NULL;
    rd_error why = {0};
    int prc = rd_catalog_stream(src->file, src->text, src->len, src->max_input, forget, NULL, &rest,
                                &why);
    rd_catalog_free(rest);
    if (prc == RD_EINPUT)
        *err = why;
    return prc == RD_EINPUT ? prc : rc;
}

static int ingest_from(rd_db *db, ingest_source *src, int flags, rd_ingest_stats *stats,
                       rd_error *err)
{
    memset(stats, 0, sizeof *stats);
    if (src->cat) {
        stats->categories = (int64_t)src->cat->ncategories;
        stats->entries = (int64_t)src->cat->nentries;
        stats->notes = (int64_t)src->cat->nnotes;
    }
    /* the same catalog again takes no write lock (a check run may hold it) */
    int same = 0, rc = same_source(db, src, &same, err);
    if (rc == RD_OK && !same)
        rc = other_catalog(db, src->file, flags & RD_INGEST_REPLACE, err);
    if (rc == RD_EUSAGE && !src->cat) /* bad input is the first thing to say */
        rc = bad_input(src, rc, err);
    /* ids are given here, in order (a parent before its children): checking
     * each reference on the way costs a b-tree lookup per row; tests run
     * foreign_key_check on what ingest stores */
    int fk_off = rc == RD_OK && !same;
    if (fk_off)
        rc = rd_db_exec(db, "PRAGMA foreign_keys = OFF", err);
    if (rc == RD_OK && !same)
        rc = rd_db_begin_write(db, err);
    if (rc == RD_OK && !same) /* again, under the lock: another process may have been first */
        rc = same_source(db, src, &same, err);
    ingest in = {.db = db, .err = err, .stats = stats};
    if (rc == RD_OK && same) {
        stats->unchanged = 1;
        if (!src->cat) {
            rc = count_rows(db, "SELECT count(*) FROM entries", &stats->entries, err);
            if (rc == RD_OK)
                rc = count_rows(db, "SELECT count(*) FROM categories", &stats->categories, err);
            if (rc == RD_OK)
                rc = count_rows(db, "SELECT count(*) FROM notes", &stats->notes, err);
        }
    } else if (rc == RD_OK) {
        hash_meanwhile(src);
        rc = with_small_cache(&in, src);
    }
    if (src->hashed == 2)
        source_hash_of(src); /* the thread ends, whatever happened */
    if (rc == RD_OK)
        rc = count_rows(db, "SELECT count(*) FROM urls", &stats->urls_total, err);
    sqlite3_finalize(in.cat_ins);
    sqlite3_finalize(in.url_ins);
    sqlite3_finalize(in.url_get);
    sqlite3_finalize(in.url_text);
    sqlite3_finalize(in.ent_ins);
    sqlite3_finalize(in.fts_ins);
    sqlite3_finalize(in.cat_fts_ins);
    sqlite3_finalize(in.note_ins);
    for (size_t i = 0; i < in.cap_cat; i++) {
        free(in.name_paths[i]);
    }
    free(in.name_paths);
    free(in.depth);
    free(in.urls);
    rd_buf_free(&in.names);
    if (rc == RD_OK && sqlite3_get_autocommit(db->h) == 0)
        rc = rd_db_exec(db, same ? "ROLLBACK" : "COMMIT", err);
    if (rc < 0 && sqlite3_get_autocommit(db->h) == 0)
        sqlite3_exec(db->h, "ROLLBACK", NULL, NULL, NULL);
    if (fk_off && sqlite3_exec(db->h, "PRAGMA foreign_keys = ON", NULL, NULL, NULL) != SQLITE_OK &&
        rc == RD_OK)
        rc = rd_db_fail(db, err, "turning foreign keys back on");
    /* the pages the old catalog and the index's merges left free go back to
     * the file system (a database made before 0.3 keeps them for reuse) */
    if (rc == RD_OK && fk_off)
        rc = rd_db_exec(db, "PRAGMA main.incremental_vacuum", err);
    return rc;
}

int rd_db_ingest(rd_db *db, const rd_catalog *cat, const char *source, size_t len, int flags,
                 rd_ingest_stats *stats, rd_error *err)
{
    ingest_source src = {.file = cat->file, .text = source, .len = len, .cat = cat};
    return ingest_from(db, &src, flags, stats, err);
}

int rd_db_ingest_text(rd_db *db, const char *file, const char *text, size_t len,
                      long long max_input, int flags, rd_ingest_stats *stats, rd_error *err)
{
    ingest_source src = {.file = file, .text = text, .len = len, .max_input = max_input};
    return ingest_from(db, &src, flags, stats, err);
}
