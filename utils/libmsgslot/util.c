// SPDX-License-Identifier: LGPL-2.1-or-later
/* libmsgslot: small helpers its libudev files share. */
#include <errno.h>
#include <libudev.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

struct udev *ms_udev_new(int *err)
{
	struct udev *udev;

	errno = 0;
	udev = udev_new();
	if (!udev)
		*err = errno > 0 ? ms_neg_errno() : -ENOMEM;
	return udev;
}

int ms_copy_string(char *buf, size_t size, const char *src)
{
	size_t len = strlen(src);

	if (len >= size)
		return -ENAMETOOLONG;
	memcpy(buf, src, len + 1);
	return 0;
}

void ms_device_node(struct udev_device *d, char *buf, size_t size)
{
	const char *node = udev_device_get_devnode(d);
	int n;

	if (node) {
		n = snprintf(buf, size, "%s", node);
	} else {
		node = udev_device_get_property_value(d, "DEVNAME");
		if (!node)
			node = "";
		n = snprintf(buf, size, "%s%s",
			     node[0] && node[0] != '/' ? "/dev/" : "", node);
	}
	if (n < 0 || (size_t)n >= size)
		buf[0] = '\0';
}

int ms_parse_minor(const char *text, unsigned int *minor)
{
	unsigned long long value;
	char *end;

	/* strtoull() would take "-1", " 1" and "+1": digits only. */
	if (text[0] < '0' || text[0] > '9')
		return -EINVAL;
	errno = 0;
	value = strtoull(text, &end, 10);
	/* 4294967295 is MSG_SLOT_ANY_MINOR, never a minor. */
	if (errno || *end || value >= 0xffffffffULL)
		return -EINVAL;
	*minor = (unsigned int)value;
	return 0;
}
