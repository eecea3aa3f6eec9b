//go:build !linux

package pubcache

import "syscall"

const canCork = false

func setCork(syscall.RawConn, bool) {}
