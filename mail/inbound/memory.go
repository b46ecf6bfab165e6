package inbound

import (
	"bufio"
	"os"
	"strconv"
	"strings"
)

// DefaultInflightBytes is the default receiver budget: an eighth of the
// memory this process may use (the cgroup limit when there is one, else
// the machine's memory), at least 64 MiB; 1 GiB when neither can be read.
func DefaultInflightBytes() int64 {
	mem := memoryLimit()
	if mem <= 0 {
		return 1 << 30
	}
	return max(mem/8, 64<<20)
}

// memoryLimit reads the cgroup v2 memory limit, else MemTotal from
// /proc/meminfo; 0 when neither is available (not Linux).
func memoryLimit() int64 {
	var total int64
	if f, err := os.Open("/proc/meminfo"); err == nil {
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			if rest, ok := strings.CutPrefix(sc.Text(), "MemTotal:"); ok {
				kb, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 10, 64)
				total = kb << 10
				break
			}
		}
		f.Close()
	}
	if b, err := os.ReadFile("/sys/fs/cgroup/memory.max"); err == nil {
		if lim, err := strconv.ParseInt(strings.TrimSpace(string(b)), 10, 64); err == nil && lim > 0 && (total == 0 || lim < total) {
			return lim
		}
	}
	return total
}
