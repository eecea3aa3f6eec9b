package pubcache

import "syscall"

const canCork = true

// setCork sets or clears TCP_CORK: while set, the kernel sends only full
// segments; clearing it sends what is queued at once.
func setCork(raw syscall.RawConn, on bool) {
	if on {
		raw.Control(corkOn)
	} else {
		raw.Control(corkOff)
	}
}

// Functions, not closures, so a cork costs no allocation.
func corkOn(fd uintptr)  { syscall.SetsockoptInt(int(fd), syscall.IPPROTO_TCP, syscall.TCP_CORK, 1) }
func corkOff(fd uintptr) { syscall.SetsockoptInt(int(fd), syscall.IPPROTO_TCP, syscall.TCP_CORK, 0) }
