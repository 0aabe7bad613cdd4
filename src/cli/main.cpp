#include "cli/cli.hpp"

int main(int argc, char** argv) {
  return srelab::cli::run(argc, argv);
}
