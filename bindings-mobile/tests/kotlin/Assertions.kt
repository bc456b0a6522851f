package org.carecoord

import org.carecoord.core.*

import org.junit.jupiter.api.Assertions

// Debian's JUnit 5 is built without its Kotlin extensions; this is the one we use.
inline fun <reified T : Throwable> assertThrows(noinline block: () -> Unit): T =
    Assertions.assertThrows(T::class.java) { block() }
