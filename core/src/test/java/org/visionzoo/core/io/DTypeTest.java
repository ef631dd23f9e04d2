package org.visionzoo.core.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.Arrays;
import java.util.Map;
import java.util.stream.Collectors;

class DTypeTest {

    @Test
    void byteSizes() {
        Map<DType, Integer> sizes =
                Arrays.stream(DType.values()).collect(Collectors.toMap(t -> t, DType::byteSize));
        assertThat(sizes)
                .containsExactlyInAnyOrderEntriesOf(
                        Map.of(
                                DType.F64,
                                8,
                                DType.F32,
                                4,
                                DType.F16,
                                2,
                                DType.BF16,
                                2,
                                DType.I64,
                                8,
                                DType.I32,
                                4,
                                DType.I16,
                                2,
                                DType.I8,
                                1,
                                DType.U8,
                                1,
                                DType.BOOL,
                                1));
    }

    @Test
    void numpyDescrs() {
        assertThat(DType.F64.numpyDescr()).contains("<f8");
        assertThat(DType.F32.numpyDescr()).contains("<f4");
        assertThat(DType.F16.numpyDescr()).contains("<f2");
        assertThat(DType.BF16.numpyDescr()).isEmpty();
        assertThat(DType.I64.numpyDescr()).contains("<i8");
        assertThat(DType.I32.numpyDescr()).contains("<i4");
        assertThat(DType.I16.numpyDescr()).contains("<i2");
        assertThat(DType.I8.numpyDescr()).contains("|i1");
        assertThat(DType.U8.numpyDescr()).contains("|u1");
        assertThat(DType.BOOL.numpyDescr()).contains("|b1");
    }

    @ParameterizedTest
    @EnumSource(DType.class)
    void safetensorsNamesRoundTrip(DType type) throws TensorFormatException {
        assertThat(type.safetensorsName()).isEqualTo(type.name());
        assertThat(DType.fromSafetensors(type.safetensorsName())).isEqualTo(type);
    }

    @ParameterizedTest
    @EnumSource(value = DType.class, names = "BF16", mode = EnumSource.Mode.EXCLUDE)
    void numpyDescrsRoundTrip(DType type) throws TensorFormatException {
        assertThat(DType.fromNumpy(type.numpyDescr().orElseThrow())).isEqualTo(type);
    }

    @Test
    void unknownSafetensorsDtypeIsRejected() {
        assertThatThrownBy(() -> DType.fromSafetensors("F8_E4M3"))
                .isInstanceOf(TensorFormatException.class)
                .hasMessageContainingAll("\"F8_E4M3\"", "expected one of F64, F32");
    }

    @Test
    void unknownNumpyDescrIsRejected() {
        assertThatThrownBy(() -> DType.fromNumpy("<c8"))
                .isInstanceOf(TensorFormatException.class)
                .hasMessageContainingAll("'<c8'", "expected one of '<f8'");
    }

    @Test
    void bigEndianNumpyDescrIsRejected() {
        assertThatThrownBy(() -> DType.fromNumpy(">f4"))
                .isInstanceOf(TensorFormatException.class)
                .hasMessageContainingAll("big-endian", "'>f4'");
    }

    @Test
    void objectNumpyDescrIsRejectedAsPickle() {
        assertThatThrownBy(() -> DType.fromNumpy("|O"))
                .isInstanceOf(TensorFormatException.class)
                .hasMessageContainingAll("'|O'", "pickle");
    }
}
