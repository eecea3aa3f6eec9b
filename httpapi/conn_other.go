//go:build !linux

package httpapi

import "syscall"

const canCork = false

func setCork(syscall.RawConn, bool) {}
