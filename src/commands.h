#ifndef MEMMON_COMMANDS_H
#define MEMMON_COMMANDS_H
#define COMMAND(name, fn, summary) int fn(int argc, char **argv);
#include "commands.def"
#undef COMMAND
#endif
