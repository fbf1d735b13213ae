/* The field table (names and storage kinds) and channel names. */
#include "log_internal.h"

#include <string.h>

_Static_assert(CX__NFIELDS == CX_FIELD_ID + 1, "CX__NFIELDS must follow cx_field");

static const struct {
    const char *name;
    int kind;
} fields[CX__NFIELDS] = {
    {"customer", CX_KIND_STRING},
    {"time", CX_KIND_TIME},
    {"employee", CX_KIND_STRING},
    {"team", CX_KIND_STRING},
    {"touchpoint", CX_KIND_STRING},
    {"channel", CX_KIND_CHANNEL},
    {"attentiveness", CX_KIND_DOUBLE},
    {"empathy", CX_KIND_DOUBLE},
    {"authenticity", CX_KIND_DOUBLE},
    {"ownership", CX_KIND_DOUBLE},
    {"competence", CX_KIND_DOUBLE},
    {"effort", CX_KIND_DOUBLE},
    {"wait_time", CX_KIND_DOUBLE},
    {"problem", CX_KIND_BOOL},
    {"resolved", CX_KIND_BOOL},
    {"csat", CX_KIND_DOUBLE},
    {"csat_min", CX_KIND_DOUBLE},
    {"csat_max", CX_KIND_DOUBLE},
    {"nps", CX_KIND_DOUBLE},
    {"ces", CX_KIND_DOUBLE},
    {"self_rating", CX_KIND_DOUBLE},
    {"leader_rating", CX_KIND_DOUBLE},
    {"feedback", CX_KIND_STRING},
    {"feedback_acted", CX_KIND_BOOL},
    {"feedback_acted_time", CX_KIND_TIME},
    {"spend", CX_KIND_DOUBLE},
    {"id", CX_KIND_STRING},
};

static const char *const channel_names[] = {"",      "in_person",    "phone", "chat",
                                            "email", "self_service", "other"};

int cx_field_count(void)
{
    return CX__NFIELDS;
}

const unsigned char cx__kinds[CX__NFIELDS] = {
    CX_KIND_STRING, CX_KIND_TIME,   CX_KIND_STRING, CX_KIND_STRING, CX_KIND_STRING, CX_KIND_CHANNEL,
    CX_KIND_DOUBLE, CX_KIND_DOUBLE, CX_KIND_DOUBLE, CX_KIND_DOUBLE, CX_KIND_DOUBLE, CX_KIND_DOUBLE,
    CX_KIND_DOUBLE, CX_KIND_BOOL,   CX_KIND_BOOL,   CX_KIND_DOUBLE, CX_KIND_DOUBLE, CX_KIND_DOUBLE,
    CX_KIND_DOUBLE, CX_KIND_DOUBLE, CX_KIND_DOUBLE, CX_KIND_DOUBLE, CX_KIND_STRING, CX_KIND_BOOL,
    CX_KIND_TIME,   CX_KIND_DOUBLE, CX_KIND_STRING};

int cx_field_kind_of(int field)
{
    return field >= 0 && field < CX__NFIELDS ? fields[field].kind : 0;
}

const char *cx_field_name(int field)
{
    return field >= 0 && field < CX__NFIELDS ? fields[field].name : NULL;
}

cx_status cx_field_from_name(cx_field *out, const char *name)
{
    CX_CHECK_ARG(out != NULL);
    CX_CHECK_ARG(name != NULL);
    for (int f = 0; f < CX__NFIELDS; f++)
        if (strcmp(fields[f].name, name) == 0) {
            *out = (cx_field)f;
            return CX_OK;
        }
    return cx__error_param(CX_EINVAL, "name", "unknown field '%s'", name);
}

size_t cx__kind_size(int kind)
{
    switch (kind) {
    case CX_KIND_STRING:
        return sizeof(int32_t);
    case CX_KIND_TIME:
        return sizeof(int64_t);
    case CX_KIND_DOUBLE:
        return sizeof(double);
    default:
        return sizeof(int8_t);
    }
}

const char *cx_channel_name(int channel)
{
    return channel >= 0 && channel <= CX_CHANNEL_OTHER ? channel_names[channel] : NULL;
}

cx_status cx_channel_parse(cx_channel *out, const char *name)
{
    CX_CHECK_ARG(out != NULL);
    CX_CHECK_ARG(name != NULL);
    int c;
    if (cx__parse_channel(name, strlen(name), &c) != 0)
        return cx__error_param(CX_EINVAL, "name", "unknown channel '%s'", name);
    *out = (cx_channel)c;
    return CX_OK;
}
