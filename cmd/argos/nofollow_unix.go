//go:build unix

package main

import "syscall"

// oNoFollow makes os.OpenFile refuse a symbolic link as the last element
// of the path.
const oNoFollow = syscall.O_NOFOLLOW
