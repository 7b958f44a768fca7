/*
 * persona-server segmenter plugin ABI.
 *
 * A segmenter is a shared library that grades customers against persona criteria for one
 * lens (demographic, RFM, psychographic, firmographic, ...). This header is the whole
 * contract between persona-server (the host) and a plugin. It is plain C: no STL, no
 * exceptions, no protobuf, no Boost crosses it.
 *
 * VERSIONING
 *   PERSONA_SEGMENTER_ABI_MAJOR changes when anything here changes incompatibly (a field
 *   removed, reordered or retyped, a function's meaning changed). PERSONA_SEGMENTER_ABI_MINOR
 *   changes when something is appended: a field at the end of a struct that carries
 *   `struct_size`, a new optional function pointer at the end of PersonaSegmenterPlugin, a new
 *   enum value. The host loads a plugin when the majors are equal and host minor >= plugin
 *   minor. Readers of a struct check `struct_size` before touching a field appended after
 *   the first release, so an older peer's smaller struct is read safely.
 *
 *   History: 1.0 the first release. 1.1 appends PersonaSegmenterPlugin.params_doc (optional;
 *   a 1.0 plugin simply has none). 1.2 appends the customer's v2 data to PersonaCustomer
 *   (order details, events, satisfaction, digital presence, life events, signup time, birth
 *   date, time zone and the UTC offset in force at as_of) and
 *   PersonaSegmenterPlugin.default_missing_affinity. A plugin built against 1.0 or 1.1 loads
 *   in every 1.x host; a 1.2 plugin is refused by a 1.0 or 1.1 host.
 *
 * LIFECYCLE (one catalog load; a hot reload repeats it for the new catalog)
 *   1. dlopen, then persona_segmenter_plugin() returns the static plugin description.
 *   2. create(config) once per catalog load -> an instance.
 *   3. compile(instance, params) once per persona criterion that uses this segmenter -> an
 *      opaque compiled criterion owned by the plugin.
 *   4. score(instance, customer, criteria[]) on the hot path: ONE call per customer, grading
 *      every compiled criterion of every persona at once into a host-provided array.
 *   5. release_criterion for every compiled criterion, then destroy(instance), when the last
 *      request using that catalog snapshot has finished.
 *   The library is unloaded only after every instance it created was destroyed.
 *
 * THREADING
 *   create/compile/release_criterion/destroy are called from one loader thread at a time per
 *   instance. score is called concurrently from many threads with the same instance and the
 *   same compiled criteria: treat both as read-only there. score must not allocate, lock,
 *   block or throw; scratch memory belongs on the stack.
 *
 * ERRORS
 *   Functions that can fail return a PersonaStatus and write a human-readable reason into a
 *   host-provided PersonaErrorBuffer (always NUL-terminated, truncated if longer). Messages
 *   should name the parameter path, e.g. "params.age.min: must be a number".
 */
#ifndef PERSONA_SEGMENTER_ABI_H_
#define PERSONA_SEGMENTER_ABI_H_

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define PERSONA_SEGMENTER_ABI_MAJOR 1
#define PERSONA_SEGMENTER_ABI_MINOR 2

/* The one symbol a plugin exports. */
#define PERSONA_SEGMENTER_ENTRY_SYMBOL "persona_segmenter_plugin"

#if defined(_WIN32)
#define PERSONA_SEGMENTER_EXPORT __declspec(dllexport)
#else
#define PERSONA_SEGMENTER_EXPORT __attribute__((visibility("default")))
#endif

typedef enum PersonaStatus {
  PERSONA_OK = 0,
  /* The config, params or customer data broke a rule; the message says which. */
  PERSONA_INVALID_ARGUMENT = 1,
  /* Anything else; the message says what. */
  PERSONA_INTERNAL = 2,
} PersonaStatus;

/* A borrowed UTF-8 string: not NUL-terminated, valid for the duration of the call that
 * passed it unless stated otherwise. size == 0 means empty (for optional text: absent). */
typedef struct PersonaString {
  const char* data;
  size_t size;
} PersonaString;

typedef struct PersonaErrorBuffer {
  char* message;   /* host-owned; the plugin writes a NUL-terminated reason */
  size_t capacity; /* bytes available in message, including the NUL */
} PersonaErrorBuffer;

/* ---------------------------------------------------------------------------------------
 * Configuration values: the catalog's `config` and `params` objects as a read-only tree.
 * The host owns every node; a tree is valid only during the create/compile call that
 * received it. Copy what you keep.
 * ------------------------------------------------------------------------------------- */
typedef enum PersonaValueKind {
  PERSONA_VALUE_NULL = 0,
  PERSONA_VALUE_BOOL = 1,
  PERSONA_VALUE_NUMBER = 2,
  PERSONA_VALUE_STRING = 3,
  PERSONA_VALUE_LIST = 4,
  PERSONA_VALUE_OBJECT = 5,
} PersonaValueKind;

struct PersonaMember;

typedef struct PersonaValue {
  PersonaValueKind kind;
  int32_t boolean;                  /* PERSONA_VALUE_BOOL */
  double number;                    /* PERSONA_VALUE_NUMBER; always finite */
  PersonaString string;             /* PERSONA_VALUE_STRING */
  const struct PersonaValue* items; /* PERSONA_VALUE_LIST */
  size_t item_count;
  const struct PersonaMember* members; /* PERSONA_VALUE_OBJECT, in catalog order */
  size_t member_count;
} PersonaValue;

typedef struct PersonaMember {
  PersonaString key;
  PersonaValue value;
} PersonaMember;

/* ---------------------------------------------------------------------------------------
 * The customer, as the host hands it to score(). Everything is borrowed for the duration of
 * the score call. Absent data is explicit: a PersonaOptionalNumber with present == 0, an
 * empty string, a zero count. Absent is never zero.
 *
 * The host validated the request before the call: numbers are finite, ages 0..130, money
 * >= 0, Big Five traits and interest strengths in [0,1], orders not after as_of, order ids
 * unique. Enumerations arrive as lowercase names ("female", "urban", "bachelor",
 * "married"); education names are ordered primary < secondary < vocational < bachelor <
 * master < doctorate.
 *
 * Tags (interest tags and every PersonaStringList) arrive normalised: trimmed of ASCII
 * whitespace, ASCII-lowercased, sorted by bytes and unique, so a plugin that normalises its
 * own params the same way at compile time can match by merge or binary search. Free-text
 * demographic strings (country, region, city, occupation) arrive trimmed but in the
 * caller's case: compare them case-insensitively.
 * ------------------------------------------------------------------------------------- */
typedef struct PersonaOptionalNumber {
  double value;
  int32_t present; /* 0 = the customer did not say */
} PersonaOptionalNumber;

typedef struct PersonaOrder {
  PersonaString order_id;
  int64_t time_unix_seconds;
  double amount;
} PersonaOrder;

typedef struct PersonaTagStrength {
  PersonaString tag; /* normalised, see above */
  double strength;   /* 0..1 */
} PersonaTagStrength;

typedef struct PersonaKeyValue {
  PersonaString key;
  PersonaString value;
} PersonaKeyValue;

typedef struct PersonaStringList {
  const PersonaString* items;
  size_t count;
} PersonaStringList;

/* --- ABI 1.2 customer types. Arrays of these have no struct_size of their own: they are
 *     frozen, and a later minor appends new parallel arrays to PersonaCustomer instead. --- */

/* A calendar date. present == 0: not given. year == 0: the year is unknown (a birthday
 * without a birth year); month 1..12 and day 1..31 always form a real date (29 February only
 * in a leap year, or with year 0). */
typedef struct PersonaCivilDate {
  int32_t year;
  int32_t month;
  int32_t day;
  int32_t present;
} PersonaCivilDate;

/* An optional instant, seconds since the Unix epoch. */
typedef struct PersonaOptionalTime {
  int64_t unix_seconds;
  int32_t present; /* 0 = not given */
} PersonaOptionalTime;

/* One line of an order. Money is in the catalog's currency, finite and >= 0. */
typedef struct PersonaOrderItem {
  PersonaString sku;
  PersonaString category;           /* normalised like a tag (trimmed, lowercase) */
  PersonaString brand;              /* normalised like a tag */
  PersonaOptionalNumber quantity;   /* a whole number >= 1 when present */
  PersonaOptionalNumber unit_price; /* >= 0 */
} PersonaOrderItem;

/* What ABI 1.2 knows about orders[i] beyond PersonaOrder: order_details[i] describes
 * orders[i] (same index, same time order). */
typedef struct PersonaOrderDetail {
  PersonaString channel;                 /* normalised: "web", "app", "marketplace", "store"... */
  PersonaOptionalNumber discount_amount; /* money saved on the order, >= 0 */
  PersonaString voucher_code;            /* as sent; empty = none */
  const PersonaOrderItem* items;
  size_t item_count;
} PersonaOrderDetail;

/* Something the customer did: a page view, a search, an email click, a support ticket... */
typedef struct PersonaEvent {
  PersonaString type;        /* a normalised token: "page_view", "search", "email_click", ... */
  int64_t time_unix_seconds; /* not after as_of */
  PersonaString channel;     /* normalised; empty = not given */
  PersonaString device;      /* "mobile" | "desktop" | "tablet"; empty = not given */
  const PersonaKeyValue* properties; /* sorted by key bytes, unique keys; values as sent */
  size_t property_count;
} PersonaEvent;

/* Where the customer shops or socialises ("instagram", "tiktok", "shopee", "web"). */
typedef struct PersonaPlatform {
  PersonaString name;                 /* normalised like a tag */
  PersonaOptionalNumber sessions_30d; /* a whole number >= 0 */
  PersonaOptionalTime last_seen;      /* not after as_of */
} PersonaPlatform;

/* A life change: "moved", "married", "new_baby", "new_job", "graduated", "retired"... */
typedef struct PersonaLifeEvent {
  PersonaString type;        /* a normalised token */
  int64_t time_unix_seconds; /* not after as_of */
} PersonaLifeEvent;

typedef struct PersonaCustomer {
  size_t struct_size; /* sizeof(PersonaCustomer) as the host compiled it */
  PersonaString customer_id;

  /* demographic lens */
  PersonaOptionalNumber age;
  PersonaString gender; /* female | male | non_binary | other */
  PersonaString country;
  PersonaString region;
  PersonaString city;
  PersonaString urbanicity; /* urban | suburban | rural */
  PersonaString education;  /* primary .. doctorate, see above */
  PersonaOptionalNumber annual_income;
  PersonaString occupation;
  PersonaString marital_status; /* single | married | domestic_partnership | divorced |
                                   widowed */
  PersonaOptionalNumber household_size;

  /* behavioural lens */
  const PersonaOrder* orders; /* sorted by time ascending */
  size_t order_count;
  PersonaOptionalNumber rfm_days_since_last_order; /* precomputed summary, if sent */
  PersonaOptionalNumber rfm_order_count;
  PersonaOptionalNumber rfm_total_spend;
  PersonaStringList preferred_brands;
  PersonaStringList channels;

  /* psychographic lens */
  const PersonaTagStrength* interests; /* sorted by tag bytes, unique */
  size_t interest_count;
  PersonaStringList values;
  PersonaStringList lifestyle;
  PersonaOptionalNumber openness;
  PersonaOptionalNumber conscientiousness;
  PersonaOptionalNumber extraversion;
  PersonaOptionalNumber agreeableness;
  PersonaOptionalNumber neuroticism;
  PersonaStringList preferred_channels;

  /* free-form fields for other lenses, sorted by key bytes */
  const PersonaKeyValue* attributes;
  size_t attribute_count;

  /* --- ABI 1.2: appended. A plugin built against 1.2 reads these only when
   *     customer->struct_size covers them (PERSONA_CUSTOMER_HAS below); a 1.2 plugin is never
   *     loaded by an older host, but the check keeps a plugin honest across later minors. --- */

  /* behavioural lens, v2 */
  const PersonaOrderDetail* order_details; /* order_count entries (NULL when order_count 0) */
  const PersonaEvent* events;              /* sorted by time ascending */
  size_t event_count;
  PersonaOptionalNumber nps;  /* 0..10, a whole number */
  PersonaOptionalNumber csat; /* 1..5, a whole number */

  /* digital presence */
  const PersonaPlatform* platforms; /* sorted by name bytes, unique names */
  size_t platform_count;
  PersonaString primary_device;      /* "mobile" | "desktop" | "tablet"; empty = not given */
  PersonaStringList contact_opt_ins; /* channels the customer agreed to be contacted on, as
                                        tags: "email", "sms", "whatsapp", "push", ... */

  /* triggers and calendars */
  const PersonaLifeEvent* life_events; /* sorted by time ascending */
  size_t life_event_count;
  PersonaOptionalTime signup_time; /* when the customer became one; not after as_of */
  PersonaCivilDate birth_date;     /* not after as_of's local date */
  /* The customer's IANA time zone as sent ("Asia/Jakarta"; the host refused unknown names);
   * empty = not given: use the segmenter's configured default, else UTC. */
  PersonaString time_zone;
  /* When time_zone is given: the UTC offset in force at as_of in that zone (Asia/Jakarta:
   * +25200), so local calendar arithmetic needs no time-zone database. 0 otherwise. */
  int32_t utc_offset_seconds;
  /* Always 0. It fills what would otherwise be tail padding, so sizeof(PersonaCustomer) ends
   * at a field: a field a later minor appends can never sit inside this version's padding,
   * where PERSONA_CUSTOMER_HAS would wrongly say a 1.2 host sent it. */
  int32_t reserved_1_2;
} PersonaCustomer;

/* True when `customer` (a const PersonaCustomer*) carries `field`, i.e. the host's struct is
 * large enough to contain it. */
#define PERSONA_CUSTOMER_HAS(customer, field) \
  ((customer)->struct_size >= offsetof(PersonaCustomer, field) + sizeof((customer)->field))

/* ---------------------------------------------------------------------------------------
 * Scoring output.
 * ------------------------------------------------------------------------------------- */

/* One per compiled criterion, written by score() into the host's array. */
typedef struct PersonaCriterionScore {
  /* Affinity over the part of the criterion the customer had data for, in [0,1]. */
  double affinity;
  /* Share (by the criterion's own field weights) of that part, in [0,1]. 1 = all data
   * present; 0 = nothing to grade (affinity is then ignored). The host blends
   * coverage * affinity + (1 - coverage) * missing_affinity, so every plugin treats
   * missing data the same way (docs/scoring.md). */
  double coverage;
} PersonaCriterionScore;

/* Host callbacks for what a score call concludes beyond numbers. Strings are copied by the
 * host before the callback returns. */
typedef struct PersonaScoreSink {
  size_t struct_size;
  void* host_context; /* pass back unchanged */
  /* Nonzero when the caller asked for explanations; otherwise do not call add_detail (and do
   * not build the strings for it: the hot path must not format text nobody reads). */
  int32_t explain;
  /* A per-customer conclusion, e.g. key "" value "champions" (shown as "rfm: champions") or
   * key "rfm_cell" value "545" (shown as "rfm.rfm_cell: 545"). Call at most once per key. */
  void (*add_label)(void* host_context, PersonaString key, PersonaString value);
  /* A per-field explanation for criteria[criterion_index]. For a field the customer has no
   * data for, pass missing = 1 (affinity is then ignored: the host shows the criterion's
   * missing_affinity). */
  void (*add_detail)(void* host_context, size_t criterion_index, PersonaString field,
                     double affinity, int32_t missing, PersonaString reason);
} PersonaScoreSink;

typedef struct PersonaScoreRequest {
  size_t struct_size;
  /* Reference time for recency, seconds since the Unix epoch (request's as_of, or now). */
  int64_t as_of_unix_seconds;
  const PersonaScoreSink* sink; /* never NULL */
} PersonaScoreRequest;

/* ---------------------------------------------------------------------------------------
 * The plugin.
 * ------------------------------------------------------------------------------------- */

/* Opaque plugin-owned state. */
typedef struct PersonaSegmenterInstance PersonaSegmenterInstance;
typedef struct PersonaCompiledCriterion PersonaCompiledCriterion;

typedef struct PersonaSegmenterPlugin {
  /* --- frozen prefix: identical in every ABI major; the host reads it first --- */
  size_t struct_size;
  uint32_t abi_major; /* PERSONA_SEGMENTER_ABI_MAJOR the plugin was built with */
  uint32_t abi_minor; /* PERSONA_SEGMENTER_ABI_MINOR the plugin was built with */

  /* --- ABI 1.0 --- */
  PersonaString name;        /* default segmenter name, e.g. "demographic"; static */
  PersonaString version;     /* the plugin's own release, e.g. "1.2.0"; static */
  PersonaString description; /* one line for ListSegmenters; static */

  /* Builds an instance from the segmenter's catalog `config` (an object; empty when the
   * catalog gives none). On failure returns non-OK, writes the reason, sets *out to NULL. */
  PersonaStatus (*create)(const PersonaValue* config, PersonaSegmenterInstance** out,
                          PersonaErrorBuffer* error);

  /* Destroys an instance after all its compiled criteria were released. */
  void (*destroy)(PersonaSegmenterInstance* instance);

  /* Validates one criterion's `params` (an object) and turns it into the plugin's compiled
   * form. Called once per persona criterion at catalog load, never on the hot path. */
  PersonaStatus (*compile)(PersonaSegmenterInstance* instance, const PersonaValue* params,
                           PersonaCompiledCriterion** out, PersonaErrorBuffer* error);

  /* Frees a compiled criterion. */
  void (*release_criterion)(PersonaSegmenterInstance* instance,
                            PersonaCompiledCriterion* criterion);

  /* The hot path. Grades `customer` against criteria[0..count) (never NULL pointers) and
   * writes scores[i] for each. Labels go to request->sink on every call, even with count == 0;
   * details only when request->sink->explain. Thread-safe, allocation-free, lock-free, never
   * throws. A non-OK status (with a reason in `error`) makes the host treat every criterion of this
   * call as missing data, and the failure is counted; it is not the caller's error. */
  PersonaStatus (*score)(const PersonaSegmenterInstance* instance, const PersonaCustomer* customer,
                         const PersonaCompiledCriterion* const* criteria, size_t count,
                         const PersonaScoreRequest* request, PersonaCriterionScore* scores,
                         PersonaErrorBuffer* error);

  /* --- ABI 1.1: appended. A host reads these only when struct_size covers them, so a 1.0
   *     plugin (whose struct ends above) loads with each of them absent. --- */

  /* Optional; size 0 = not given. A static JSON object documenting what this segmenter
   * accepts, for tools and catalog authors. Every member is optional:
   *   {"params":  {"<key>": "<type, range and meaning in one line>", ...},
   *    "config":  {"<key>": "<type, range and meaning in one line>", ...},
   *    "example": {<one criterion's params that compile() accepts>}}
   * persona-plugin-check validates it, compiles "example" when given no params of its own
   * and probes every listed params key with a value of the wrong type. Not NUL-terminated;
   * valid as long as the library is loaded. */
  PersonaString params_doc;

  /* --- ABI 1.2: appended; absent in a 1.0/1.1 plugin. --- */

  /* The missing_affinity a criterion of this segmenter gets when the catalog does not set
   * one: the grade the host blends in for data the customer lacks (see PersonaCriterionScore).
   * has_default_missing_affinity == 0: the host's default, 0.5. Lenses where absence means
   * "did not happen" (events, triggers) declare 0. Must be in [0,1]; the host refuses the
   * plugin at load otherwise. Static. */
  int32_t has_default_missing_affinity;
  double default_missing_affinity;
} PersonaSegmenterPlugin;

/* The entry point. Returns a pointer to a static description that lives as long as the
 * library is loaded. Called by the host once after loading, from one thread. */
typedef const PersonaSegmenterPlugin* (*PersonaSegmenterEntryFn)(void);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* PERSONA_SEGMENTER_ABI_H_ */
