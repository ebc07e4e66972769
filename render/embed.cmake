# Turns each input file into a NUL-terminated C array:
#   cmake -DOUT=x.c -DINPUTS="a|b" -P embed.cmake
string(REPLACE "|" ";" INPUTS "${INPUTS}")
set(code "/* generated from render/ assets by render/embed.cmake; do not edit */\n")
foreach(input IN LISTS INPUTS)
  get_filename_component(name ${input} NAME)
  string(MAKE_C_IDENTIFIER "rd_asset_${name}" symbol)
  file(READ ${input} hex HEX)
  string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," bytes "${hex}")
  string(APPEND code "const char ${symbol}[] = {${bytes}0x00};\n")
endforeach()
file(WRITE ${OUT} "${code}")
