/** Built-in demonstration handlers ({@code demo.sleep}, {@code demo.echo}, {@code demo.fail}), found by ServiceLoader. */
package dev.offload.worker.demo;
