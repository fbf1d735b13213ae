/* Text -> value conversions used by the CSV readers and cx_batch_set_str (the writers' number
 * formatting lives in format_double.c). */
#include "log_internal.h"

#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { MAX_NUMBER_LEN = 400 }; /* longer numerals are rejected (docs/csv.md) */

static const double pow10_exact[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                     1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                                     1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

/* Correctly rounded conversion of a syntactically checked numeral, via strtod in the current
 * locale (the decimal point is swapped for the locale's). */
static int slow_path(const char *s, size_t len, double *out)
{
    char buf[MAX_NUMBER_LEN + 8];
    if (len > MAX_NUMBER_LEN)
        return -1;
    const char *dp = localeconv()->decimal_point;
    size_t j = 0;
    for (size_t i = 0; i < len; i++) {
        if (s[i] == '.' && dp && dp[0] && strcmp(dp, ".") != 0) {
            size_t k = strlen(dp);
            if (k > 4)
                return -1;
            memcpy(buf + j, dp, k);
            j += k;
        } else {
            buf[j++] = s[i];
        }
    }
    buf[j] = '\0';
    char *end;
    *out = strtod(buf, &end);
    return end == buf + j ? 0 : -1;
}

int cx__parse_double(const char *s, size_t len, double *out)
{
    size_t i = 0;
    int neg = 0;
    if (i < len && (s[i] == '-' || s[i] == '+'))
        neg = s[i++] == '-';
    uint64_t m = 0;
    int ndig = 0, nint = 0, nfrac = 0, dropped = 0;
    int exp10 = 0;
    for (; i < len && (unsigned)(s[i] - '0') < 10; i++, nint++) {
        if (ndig < 19) {
            m = m * 10 + (unsigned)(s[i] - '0');
            ndig += m != 0;
        } else {
            dropped = 1;
            exp10++;
        }
    }
    if (i < len && s[i] == '.') {
        i++;
        for (; i < len && (unsigned)(s[i] - '0') < 10; i++, nfrac++) {
            if (ndig < 19) {
                m = m * 10 + (unsigned)(s[i] - '0');
                ndig += m != 0;
                exp10--;
            } else {
                dropped = 1;
            }
        }
    }
    if (nint + nfrac == 0)
        return -1;
    if (i < len && (s[i] == 'e' || s[i] == 'E')) {
        i++;
        int eneg = 0, e = 0, nexp = 0;
        if (i < len && (s[i] == '-' || s[i] == '+'))
            eneg = s[i++] == '-';
        for (; i < len && (unsigned)(s[i] - '0') < 10; i++, nexp++)
            if (e < 100000)
                e = e * 10 + (s[i] - '0');
        if (nexp == 0)
            return -1;
        exp10 += eneg ? -e : e;
    }
    if (i != len)
        return -1;
    /* Clinger's fast path: an exact mantissa times an exact power of ten rounds once. */
    if (!dropped && m <= (UINT64_C(1) << 53) && exp10 >= -22 && exp10 <= 22) {
        double x = (double)m;
        x = exp10 < 0 ? x / pow10_exact[-exp10] : x * pow10_exact[exp10];
        *out = neg ? -x : x;
        return 0;
    }
    return slow_path(s, len, out);
}

static int ieq(const char *s, size_t len, const char *word)
{
    size_t n = strlen(word);
    if (n != len)
        return 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (c >= 'A' && c <= 'Z')
            c = (char)(c - 'A' + 'a');
        if (c != word[i])
            return 0;
    }
    return 1;
}

int cx__parse_bool(const char *s, size_t len, int *out)
{
    /* the writer's spellings first, without a loop */
    if (len == 3 && s[0] == 'y' && s[1] == 'e' && s[2] == 's') {
        *out = 1;
        return 0;
    }
    if (len == 2 && s[0] == 'n' && s[1] == 'o') {
        *out = 0;
        return 0;
    }
    static const char *const yes[] = {"1", "yes", "true", "y", "t"};
    static const char *const no[] = {"0", "no", "false", "n", "f"};
    for (size_t i = 0; i < sizeof yes / sizeof yes[0]; i++) {
        if (ieq(s, len, yes[i])) {
            *out = 1;
            return 0;
        }
        if (ieq(s, len, no[i])) {
            *out = 0;
            return 0;
        }
    }
    return -1;
}

int cx__parse_channel(const char *s, size_t len, int *out)
{
    /* canonical lower-case names first: one length switch and one comparison */
    static const char *const canonical[] = {"",      "in_person",    "phone", "chat",
                                            "email", "self_service", "other"};
    int guess = -1;
    switch (len) {
    case 4:
        guess = CX_CHANNEL_CHAT;
        break;
    case 5:
        guess = s[0] == 'p' ? CX_CHANNEL_PHONE : s[0] == 'e' ? CX_CHANNEL_EMAIL : CX_CHANNEL_OTHER;
        break;
    case 9:
        guess = CX_CHANNEL_IN_PERSON;
        break;
    case 12:
        guess = CX_CHANNEL_SELF_SERVICE;
        break;
    default:
        break;
    }
    if (guess > 0 && memcmp(s, canonical[guess], len) == 0) {
        *out = guess;
        return 0;
    }
    static const struct {
        const char *name;
        int channel;
    } names[] = {
        {"", CX_CHANNEL_UNKNOWN},
        {"in_person", CX_CHANNEL_IN_PERSON},
        {"in-person", CX_CHANNEL_IN_PERSON},
        {"in person", CX_CHANNEL_IN_PERSON},
        {"phone", CX_CHANNEL_PHONE},
        {"telephone", CX_CHANNEL_PHONE},
        {"chat", CX_CHANNEL_CHAT},
        {"email", CX_CHANNEL_EMAIL},
        {"e-mail", CX_CHANNEL_EMAIL},
        {"self_service", CX_CHANNEL_SELF_SERVICE},
        {"self-service", CX_CHANNEL_SELF_SERVICE},
        {"web", CX_CHANNEL_SELF_SERVICE},
        {"app", CX_CHANNEL_SELF_SERVICE},
        {"other", CX_CHANNEL_OTHER},
    };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (ieq(s, len, names[i].name)) {
            *out = names[i].channel;
            return 0;
        }
    return -1;
}
