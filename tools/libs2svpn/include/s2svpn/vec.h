/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A growable array of fixed-size elements, for dump results.
 */
#ifndef S2SCTL_VEC_H
#define S2SCTL_VEC_H

#include <stdlib.h>
#include <string.h>

struct s2s_vec {
	void *items;
	size_t n;
	size_t cap;
	size_t size;	/* element size */
};

#define S2S_VEC_INIT(type) { NULL, 0, 0, sizeof(type) }

/* Appends a zeroed element and returns it, or NULL when out of memory. */
static inline void *s2s_vec_push(struct s2s_vec *v)
{
	void *item;

	if (v->n == v->cap) {
		size_t cap = v->cap ? 2 * v->cap : 8;
		void *items = realloc(v->items, cap * v->size);

		if (!items)
			return NULL;
		v->items = items;
		v->cap = cap;
	}
	item = (char *)v->items + v->n++ * v->size;
	memset(item, 0, v->size);
	return item;
}

static inline void *s2s_vec_at(const struct s2s_vec *v, size_t i)
{
	return (char *)v->items + i * v->size;
}

static inline void s2s_vec_free(struct s2s_vec *v)
{
	free(v->items);
	v->items = NULL;
	v->n = v->cap = 0;
}

#endif /* S2SCTL_VEC_H */
