// The compiled halves of header-only Asio and Beast, built once for the whole program
// (see BOOST_*_SEPARATE_COMPILATION in the top-level CMakeLists.txt).
#include <boost/asio/impl/src.hpp>
#include <boost/beast/src.hpp>
