/* "field=column,..." option strings: which CSV column holds which field. */
#include "log_internal.h"

#include <string.h>

static char *trim(char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    size_t n = strlen(s);
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
        s[--n] = '\0';
    return s;
}

cx_status cx__csv_column_names(const char **names, char **storage, const char *spec,
                               size_t n_fields, const char *(*field_name)(int))
{
    for (size_t f = 0; f < n_fields; f++)
        names[f] = field_name((int)f);
    *storage = NULL;
    if (!spec || !*spec)
        return CX_OK;
    char *copy = cx__strdup(spec);
    if (!copy)
        return cx__enomem();
    char *save = copy;
    for (char *item = copy; item;) {
        char *next = strchr(item, ',');
        if (next)
            *next++ = '\0';
        char *eq = strchr(item, '=');
        if (!eq) {
            cx__error_param(CX_EINVAL, "opts->columns", "'%s' is not of the form field=column",
                            trim(item));
            cx__free(copy);
            return CX_EINVAL;
        }
        *eq = '\0';
        char *field = trim(item), *column = trim(eq + 1);
        size_t f = 0;
        while (f < n_fields && strcmp(field_name((int)f), field) != 0)
            f++;
        if (f == n_fields) {
            cx__error_param(CX_EINVAL, "opts->columns", "unknown field '%s'", field);
            cx__free(copy);
            return CX_EINVAL;
        }
        if (!*column || strchr(column, '=')) {
            cx__error_param(CX_EINVAL, "opts->columns", "bad column name for field '%s'", field);
            cx__free(copy);
            return CX_EINVAL;
        }
        names[f] = column;
        item = next;
    }
    for (size_t a = 0; a < n_fields; a++)
        for (size_t b = a + 1; b < n_fields; b++)
            if (strcmp(names[a], names[b]) == 0) {
                cx__error_param(CX_EINVAL, "opts->columns",
                                "fields '%s' and '%s' both read column '%s'", field_name((int)a),
                                field_name((int)b), names[a]);
                cx__free(copy);
                return CX_EINVAL;
            }
    *storage = save;
    return CX_OK;
}
