package io.tfssl.cli;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Enum values as written on the command line: lower case with hyphens ({@code hidden-output}). */
abstract class EnumConverter<E extends Enum<E>> implements ITypeConverter<E> {
  private final Class<E> type;

  EnumConverter(Class<E> type) {
    this.type = type;
  }

  @Override
  public E convert(String value) {
    try {
      return Enum.valueOf(type, value.trim().toUpperCase(Locale.ROOT).replace('-', '_'));
    } catch (IllegalArgumentException e) {
      throw new TypeConversionException("'" + value + "' is not one of " + names(type));
    }
  }

  static <E extends Enum<E>> String names(Class<E> type) {
    return Arrays.stream(type.getEnumConstants())
        .map(EnumConverter::cli)
        .collect(Collectors.joining(", "));
  }

  static String cli(Enum<?> e) {
    return e.name().toLowerCase(Locale.ROOT).replace('_', '-');
  }
}
