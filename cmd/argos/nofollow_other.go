//go:build !unix

package main

// oNoFollow is 0 where the system has no O_NOFOLLOW: refuseLink's check
// before opening is then the only guard.
const oNoFollow = 0
