package dev.offload.bench.report;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ProcessUsageTest {

    @Test
    void residentMemoryIsReadFromProcStatusLines() {
        String status = "Name:\tjava\nVmHWM:\t  204800 kB\nVmRSS:\t  102400 kB\n";

        assertThat(ProcessUsage.statusKiB(status, "VmRSS")).isEqualTo(102_400);
        assertThat(ProcessUsage.statusKiB(status, "VmHWM")).isEqualTo(204_800);
        assertThat(ProcessUsage.statusKiB(status, "VmSwap")).isEqualTo(-1);
    }
}
