/*
 * file.h - a whole small file into memory (a migration, the catalog).
 */
#ifndef KQ_FILE_H
#define KQ_FILE_H

/* The file's bytes, NUL-terminated, to free(); NULL (errno set) when it
 * cannot be opened or read. */
char	*file_read(const char *path);

#endif
